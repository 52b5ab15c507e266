"""Voucher codes: random, unguessable (99 bits), grouped for reading, no look-alike characters.

A code is a bearer secret worth money, so it is long; it is stored in canonical form (upper
case, letters and digits only), so a lookup is exact whatever case, spaces or dashes a person
types.
"""

import secrets

from marquee.booking.tokens import REFERENCE_ALPHABET

# 31 symbols (no 0/O, 1/I/L): 20 of them hold log2(31) * 20 = 99 bits.
CODE_LENGTH = 20
GROUP = 4


def new_code() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """The code as stored: letters and digits, upper case; anything a person adds is dropped."""
    if not isinstance(raw, str):
        return ""
    return "".join(ch for ch in raw.upper() if ch.isascii() and ch.isalnum())[:64]


def is_code(canonical: str) -> bool:
    """True when `canonical` can be a code at all (no query needed to refuse the rest)."""
    return len(canonical) == CODE_LENGTH and all(ch in REFERENCE_ALPHABET for ch in canonical)


def format_code(canonical: str) -> str:
    """ABCD-EFGH-…: how a code is printed and shown."""
    return "-".join(canonical[i : i + GROUP] for i in range(0, len(canonical), GROUP))
