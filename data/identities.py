"""Identities of the Asan İmza emulation: who may log in, with which PIN1, and PIN1 blocking.

PIN1 is stored only as a salted scrypt hash. Three wrong PIN1 in a row block it (persisted);
only an administrator unblocks it, as a PUK would.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from enum import Enum

from izle.data.db import transaction
from izle.data.problems import ProblemError
from izle.data.clock import SystemClock
from izle.data.i18n import N_

ROLES = ("citizen", "operator", "admin")
MAX_PIN_TRIES = 3
_PIN = re.compile(r"^\d{4,8}$")
_USER_ID = re.compile(r"\d{1,20}\Z")
# scrypt cost: ~40 ms a check on a kiosk CPU; slow for a thief, invisible to a person.
_N, _R, _P = 2**14, 8, 1


@dataclass(frozen=True)
class Identity:
    user_id: str
    phone: str
    fin: str
    full_name: str
    role: str
    failed_pins: int
    blocked: bool
    lookups_locked: bool = False


class PinCheck(Enum):
    OK = "ok"
    WRONG = "wrong"
    BLOCKED = "blocked"


def now_iso() -> str:
    return SystemClock().now().isoformat(timespec="seconds")


def valid_pin(pin: str) -> bool:
    return bool(_PIN.match(pin))


def valid_user_id(user_id: str) -> bool:
    """1 to 20 ASCII digits, as Asan İmza's user IDs are."""
    return bool(_USER_ID.match(user_id))


def hash_pin(pin: str, *, n: int = _N) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=n, r=_R, p=_P, dklen=32)
    return f"scrypt${n}${_R}${_P}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(
        pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
    )
    return hmac.compare_digest(candidate.hex(), digest)


def _identity(row: sqlite3.Row | None) -> Identity | None:
    if row is None:
        return None
    return Identity(
        user_id=row["user_id"], phone=row["phone"], fin=row["fin"] or "",
        full_name=row["full_name"] or "", role=row["role"],
        failed_pins=row["failed_pins"] or 0, blocked=row["blocked_at"] is not None,
        lookups_locked=bool(row["lookups_locked_at"]) if "lookups_locked_at" in row.keys() else False,
    )


def upsert_identity(
    conn: sqlite3.Connection, *, user_id: str, phone: str, fin: str, full_name: str,
    role: str, pin1: str, pin1_hash: str | None = None,
) -> None:
    """Add an identity or replace its details and PIN1 (which also unblocks it). `pin1_hash`:
    PIN1 already hashed by the caller, outside its write transaction (scrypt is slow, and the
    terminal's sessions write this file too)."""
    if role not in ROLES:
        raise ValueError(f"unknown role: {role}")
    if not valid_pin(pin1):
        raise ValueError("PIN1 must be 4 to 8 digits")
    stamp = now_iso()
    conn.execute(
        """INSERT INTO identities (user_id, phone, fin, full_name, role, pin1_hash,
               failed_pins, blocked_at, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, 0, NULL, ?, ?)
           ON CONFLICT(user_id) DO UPDATE SET phone=excluded.phone, fin=excluded.fin,
               full_name=excluded.full_name, role=excluded.role, pin1_hash=excluded.pin1_hash,
               failed_pins=0, blocked_at=NULL, updated_at=excluded.updated_at""",
        (user_id, phone, fin, full_name, role, pin1_hash or hash_pin(pin1), stamp, stamp),
    )



class IdentityError(ProblemError, ValueError):
    """Why an identity change is refused (a Problem: an English msgid and its values)."""


@dataclass(frozen=True)
class NewIdentity:
    user_id: str
    phone: str
    fin: str
    full_name: str
    role: str


def check_new_identity(*, user_id: str, phone: str, fin: str, full_name: str,
                       role: str) -> NewIdentity:
    """Validate and normalize what an administrator typed; IdentityError says what is wrong."""
    from izle.data.text import normalize_fin, normalize_phone, strip_controls

    user_id = user_id.strip()
    if not valid_user_id(user_id):
        raise IdentityError(N_("The user ID must be digits."))
    e164 = normalize_phone(phone)
    if e164 is None:
        raise IdentityError(N_("Not an Azerbaijani mobile number (like 050 123 45 67)."))
    if role not in ROLES:
        raise IdentityError(N_("The role must be one of: {roles}."), roles=", ".join(ROLES))
    norm_fin = normalize_fin(fin) if fin.strip() else ""
    if norm_fin is None:
        raise IdentityError(N_("A FIN has 7 letters and digits (no I or O)."))
    if role == "citizen" and not norm_fin:
        raise IdentityError(N_("A citizen needs a FIN: it decides which letters are theirs."))
    name = " ".join(strip_controls(full_name).split())
    if not name:
        raise IdentityError(N_("The full name is empty."))
    return NewIdentity(user_id, e164, norm_fin, name, role)


def add_identity(conn: sqlite3.Connection, new: NewIdentity, pin1: str) -> None:
    """Insert a new identity; IdentityError when its user ID is taken or PIN1 is invalid."""
    if not valid_pin(pin1):
        raise IdentityError(N_("PIN1 must be 4 to 8 digits."))
    if get_identity(conn, new.user_id) is not None:
        raise IdentityError(N_("User ID {user_id} already exists."), user_id=new.user_id)
    upsert_identity(conn, user_id=new.user_id, phone=new.phone, fin=new.fin,
                    full_name=new.full_name, role=new.role, pin1=pin1)


def get_identity(conn: sqlite3.Connection, user_id: str) -> Identity | None:
    return _identity(conn.execute("SELECT * FROM identities WHERE user_id = ?", (user_id,)).fetchone())


def find_identity(conn: sqlite3.Connection, phone: str, user_id: str) -> Identity | None:
    """The identity with exactly this phone (E.164) and user ID, or None."""
    row = conn.execute(
        "SELECT * FROM identities WHERE phone = ? AND user_id = ?", (phone, user_id)
    ).fetchone()
    return _identity(row)


def list_identities(conn: sqlite3.Connection) -> list[Identity]:
    rows = conn.execute("SELECT * FROM identities ORDER BY role, user_id").fetchall()
    return [_identity(r) for r in rows]  # type: ignore[misc]


def check_pin(conn: sqlite3.Connection, user_id: str, pin: str,
              now: str | None = None) -> tuple[PinCheck, int]:
    """Check PIN1 and count failures; returns the outcome and the tries left.

    scrypt runs before the write transaction (it is slow, and every session of the terminal
    writes this file); the count is then written only if PIN1 was not changed meanwhile.
    `now` (ISO 8601) stamps a block; the caller's clock, so tests control it."""
    for _attempt in range(3):
        stored = _pin_state(conn, user_id)
        if stored is None:
            return PinCheck.BLOCKED, 0
        matched = pin_matches(pin, stored)
        with transaction(conn):
            if _pin_state(conn, user_id) != stored:
                continue  # changed or blocked while hashing: check against what is there now
            if matched:
                conn.execute("UPDATE identities SET failed_pins = 0 WHERE user_id = ?", (user_id,))
                return PinCheck.OK, MAX_PIN_TRIES
            return _count_wrong_pin(conn, user_id, now)
    return PinCheck.BLOCKED, 0  # PIN1 kept changing under us: refuse rather than guess


def _pin_state(conn: sqlite3.Connection, user_id: str) -> str | None:
    """The stored PIN1 hash, or None when there is no such identity or it is blocked."""
    row = conn.execute("SELECT pin1_hash, blocked_at FROM identities WHERE user_id = ?",
                       (user_id,)).fetchone()
    return None if row is None or row["blocked_at"] is not None else row["pin1_hash"]


def _count_wrong_pin(conn: sqlite3.Connection, user_id: str,
                     now: str | None) -> tuple[PinCheck, int]:
    failed = (conn.execute("SELECT failed_pins FROM identities WHERE user_id = ?",
                           (user_id,)).fetchone()[0] or 0) + 1
    blocked_at = (now or now_iso()) if failed >= MAX_PIN_TRIES else None
    conn.execute("UPDATE identities SET failed_pins = ?, blocked_at = ? WHERE user_id = ?",
                 (failed, blocked_at, user_id))
    if blocked_at:
        return PinCheck.BLOCKED, 0
    return PinCheck.WRONG, MAX_PIN_TRIES - failed


@dataclass(frozen=True)
class Lifted:
    """What an unblock lifted; true when the identity exists."""

    found: bool
    pin_block: bool = False
    lookup_lock: bool = False

    def __bool__(self) -> bool:
        return self.found


def unblock(conn: sqlite3.Connection, user_id: str, now: datetime | None = None) -> Lifted:
    """Unblock PIN1 (as a PUK would) and lift a lock on the person's lookups; says which of
    the two there was to lift (in the caller's transaction, read and changed together).

    Lifting a lock records when (`lookups_unlocked_at`, milliseconds as the audit writes
    them): the misses that led to it are then forgiven, not counted towards the next lock."""
    moment = now or SystemClock().now()
    row = conn.execute("SELECT blocked_at, lookups_locked_at FROM identities WHERE user_id = ?",
                       (user_id,)).fetchone()
    if row is None:
        return Lifted(False)
    conn.execute(
        "UPDATE identities SET failed_pins = 0, blocked_at = NULL,"
        " lookups_unlocked_at = CASE WHEN lookups_locked_at IS NULL THEN lookups_unlocked_at"
        " ELSE ? END, lookups_locked_at = NULL, updated_at = ? WHERE user_id = ?",
        (moment.isoformat(timespec="milliseconds"), moment.isoformat(timespec="seconds"), user_id),
    )
    return Lifted(True, pin_block=row[0] is not None, lookup_lock=row[1] is not None)


def lock_lookups(conn: sqlite3.Connection, user_id: str, now: str) -> None:
    conn.execute("UPDATE identities SET lookups_locked_at = ? WHERE user_id = ?"
                 " AND lookups_locked_at IS NULL", (now, user_id))


def lookups_locked(conn: sqlite3.Connection, user_id: str) -> bool:
    row = conn.execute("SELECT lookups_locked_at FROM identities WHERE user_id = ?",
                       (user_id,)).fetchone()
    return bool(row and row[0])


def lookups_unlocked_at(conn: sqlite3.Connection, user_id: str) -> str | None:
    """When an administrator last lifted this person's lookup lock (ISO, UTC), or None."""
    row = conn.execute("SELECT lookups_unlocked_at FROM identities WHERE user_id = ?",
                       (user_id,)).fetchone()
    return row[0] if row and row[0] else None


def set_pin(conn: sqlite3.Connection, user_id: str, pin1: str) -> bool:
    if not valid_pin(pin1):
        raise ValueError("PIN1 must be 4 to 8 digits")
    cur = conn.execute(
        """UPDATE identities SET pin1_hash = ?, failed_pins = 0, blocked_at = NULL,
               updated_at = ? WHERE user_id = ?""",
        (hash_pin(pin1), now_iso(), user_id),
    )
    return cur.rowcount == 1
