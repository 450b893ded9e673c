"""Which pages may open a session: only İzlə's own.

A browser sends `Origin` with every WebSocket handshake and a page's scripts cannot change it,
so checking it stops another site from making its visitors' browsers hold İzlə's session slots.
A client that is not a browser sends what it likes (or nothing); the per-address cap is what
bounds it, so a handshake without `Origin` is let through.
"""

from __future__ import annotations

from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def _site(scheme: str, netloc: str) -> str:
    """`host[:port]` as browsers write it: lower case, the scheme's default port left out."""
    netloc = netloc.lower()
    default = DEFAULT_PORTS.get(scheme)
    return netloc.removesuffix(default) if default else netloc


def origin_allowed(origin: str | None, *, public_url: str | None, host: str) -> bool:
    """`origin` is the page's: the --public-url's scheme and site when one was given, else the
    site the browser asked this server for (the `Host` header; the scheme is not compared there,
    since a TLS proxy in front may speak plain HTTP to this server)."""
    if origin is None:
        return True
    try:
        given = urlsplit(origin)
        if public_url:
            expected = urlsplit(public_url)
            return (given.scheme == expected.scheme
                    and _site(given.scheme, given.netloc)
                    == _site(expected.scheme, expected.netloc))
    except ValueError:
        return False
    return bool(given.netloc) and _site(given.scheme, given.netloc) == _site(given.scheme, host)
