"""Booking references (public, short, unambiguous) and access tokens (secret, stored hashed)."""

import hashlib
import hmac
import secrets

# No 0/O, 1/I/L: a reference is read aloud at the box office and typed from paper.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_LENGTH = 8
TOKEN_BYTES = 24  # 192 bits


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    # The token has 192 random bits, so a fast hash is enough: there is nothing to guess.
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, token_hash: str) -> bool:
    return hmac.compare_digest(hash_token(token), token_hash)


def normalise_reference(raw: str) -> str:
    """A reference as printed: letters and digits. Anything else a person or a link adds
    (spaces, dashes, a NUL byte, which PostgreSQL refuses in a query) is dropped."""
    return "".join(ch for ch in raw.upper() if ch.isascii() and ch.isalnum())
