"""Passwords and session tokens for staff; API keys live in storage.repository.

Passwords: scrypt (stdlib), salted, parameters stored with the hash. Sessions: a bearer token
(and the web app's cookie) ``ocrs_<payload>.<signature>`` signed with HMAC-SHA256 under
``OCR_SECRET_KEY``; the payload holds the account id and expiry, nothing personal.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time

SESSION_PREFIX = "ocrs_"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        candidate = hashlib.scrypt(password.encode("utf-8"), salt=_unb64(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(candidate, _unb64(digest))


def issue_session(account_id: str, *, secret: str, ttl_seconds: int, now: float | None = None) -> str:
    payload = _b64(json.dumps({"sub": account_id, "exp": int((now or time.time()) + ttl_seconds)}).encode())
    return f"{SESSION_PREFIX}{payload}.{_sign(payload, secret)}"


def read_session(token: str, *, secret: str, now: float | None = None) -> str | None:
    """The account id of a valid, unexpired token; None otherwise."""
    if not token.startswith(SESSION_PREFIX):
        return None
    payload, _, signature = token[len(SESSION_PREFIX) :].partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(payload, secret)):
        return None
    try:
        data = json.loads(_unb64(payload))
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("exp", 0) < (now or time.time()):
        return None
    return str(data.get("sub")) or None


def _sign(payload: str, secret: str) -> str:
    return _b64(hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
