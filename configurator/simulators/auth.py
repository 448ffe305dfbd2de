"""Server-side HTTP authentication for the simulators: RFC 2617 Digest (MD5, qop=auth) and Basic.

Strict like a real device: nonces are issued and remembered, expire (``stale=true`` challenge),
the nonce count must grow (replays are refused) and the ``uri`` must match the request.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass

_PARAM = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def parse_authorization(header: str) -> tuple[str, dict[str, str]]:
    """Split an Authorization header into (lower-case scheme, parameters)."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() == "basic":
        return "basic", {"token": rest.strip()}
    params = {m.group(1).lower(): (m.group(2) if m.group(2) is not None else m.group(3))
              for m in _PARAM.finditer(rest)}
    return scheme.lower(), params


def check_basic(header: str, users: Mapping[str, str]) -> str | None:
    """User name if the Basic header carries a valid user/password, else None."""
    scheme, params = parse_authorization(header)
    if scheme != "basic":
        return None
    try:
        user, _, password = base64.b64decode(params["token"]).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, KeyError):
        return None
    expected = users.get(user)
    if expected is not None and secrets.compare_digest(expected, password):
        return user
    return None


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


@dataclass
class _Nonce:
    issued: float
    last_nc: int = 0


class DigestVerifier:
    """Issues Digest challenges and verifies answers for one simulated device."""

    def __init__(self, realm: str, *, nonce_ttl: float = 300.0) -> None:
        self.realm = realm
        self.nonce_ttl = nonce_ttl
        self.opaque = secrets.token_hex(8)
        self._nonces: dict[str, _Nonce] = {}

    def challenge(self, *, stale: bool = False) -> str:
        nonce = secrets.token_hex(16)
        self._nonces[nonce] = _Nonce(time.monotonic())
        if len(self._nonces) > 1000:  # forget the oldest
            for old in sorted(self._nonces, key=lambda n: self._nonces[n].issued)[:500]:
                del self._nonces[old]
        value = (f'Digest realm="{self.realm}", qop="auth", nonce="{nonce}", '
                 f'opaque="{self.opaque}", algorithm=MD5')
        return value + (", stale=true" if stale else "")

    def verify(self, header: str, method: str, path_qs: str,
               users: Mapping[str, str]) -> tuple[str | None, bool]:
        """Return (user or None, stale). ``stale`` means: right password, expired nonce."""
        scheme, p = parse_authorization(header)
        if scheme != "digest":
            return None, False
        user, nonce = p.get("username"), p.get("nonce")
        uri, response = p.get("uri"), p.get("response")
        if not (user and nonce and uri and response) or p.get("realm") != self.realm:
            return None, False
        if uri != path_qs and uri.split("?", 1)[0] != path_qs.split("?", 1)[0]:
            return None, False
        password = users.get(user)
        if password is None:
            return None, False
        ha1 = _md5(f"{user}:{self.realm}:{password}")
        ha2 = _md5(f"{method}:{uri}")
        qop = p.get("qop")
        if qop == "auth":
            nc, cnonce = p.get("nc", ""), p.get("cnonce", "")
            expected = _md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
        elif qop is None:
            nc, expected = "", _md5(f"{ha1}:{nonce}:{ha2}")
        else:
            return None, False
        if not secrets.compare_digest(expected, response.lower()):
            return None, False
        state = self._nonces.get(nonce)
        if state is None or time.monotonic() - state.issued > self.nonce_ttl:
            return None, True
        if nc:
            try:
                count = int(nc, 16)
            except ValueError:
                return None, False
            if count <= state.last_nc:
                return None, False  # replayed
            state.last_nc = count
        return user, False
