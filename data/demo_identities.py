"""The demo's identities: published with every demo register (the login screen offers one), so
they are keys anyone knows. Kept apart from data/demo.py so the login's check that they never
open a real register costs no import of the generator."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoIdentity:
    user_id: str
    phone: str  # E.164, as stored
    pin1: str
    fin: str
    full_name: str
    role: str


# Fixed, so a demo PIN someone has learned keeps working whatever the seed.
IDENTITIES = [
    DemoIdentity("418263", "+994504127368", "2580", "5ZK8M1P", "Məmmədov Elvin Rauf oğlu", "citizen"),
    DemoIdentity("527904", "+994557381942", "4721", "7HQ3T2R", "Əliyeva Günel Tofiq qızı", "citizen"),
    DemoIdentity("630158", "+994706524183", "86420", "2MX9D4B", "Hüseynov Tural Vaqif oğlu", "citizen"),
    DemoIdentity("741395", "+994512968430", "3096", "9AC6L5S", "Quliyeva Nərmin Elçin qızı", "citizen"),
    DemoIdentity("810274", "+994773045619", "5139", "4PV7K2N", "Rzayeva Səbinə Namiq qızı", "operator"),
    DemoIdentity("902736", "+994997260853", "7408", "8WD3F6G", "Kərimov Fərid Anar oğlu", "admin"),
]
CITIZENS = [i for i in IDENTITIES if i.role == "citizen"]
RESERVED_FINS = frozenset(i.fin for i in IDENTITIES)
DEMO_LOGINS = frozenset((i.user_id, i.phone) for i in IDENTITIES)


def is_demo_identity(user_id: str, phone: str) -> bool:
    """Whether this user ID and phone (E.164) are a published demo identity's."""
    return (user_id, phone) in DEMO_LOGINS
