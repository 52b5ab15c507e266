"""Making, checking and revoking staff API keys."""

import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from marquee.core.clock import now as clock_now
from marquee.core.errors import ValidationFailed
from marquee.core.rows import row_or_not_found
from marquee.staff.models import ApiKey

KEY_PREFIX = "mq"
_PREFIX_RE = re.compile(r"[0-9a-f]{12}")
# last_used_at is written at most this often, so that a busy key is not a write per request.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class NewApiKey:
    api_key: ApiKey
    key: str  # shown once


def hash_key(key: str) -> str:
    # 256 random bits: a fast hash suffices, there is nothing to guess or brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def _split(key: str) -> tuple[str, str] | None:
    parts = key.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not _PREFIX_RE.fullmatch(parts[1]) or not parts[2]:
        return None
    return parts[1], parts[2]


def api_key_create(*, username: str, name: str = "") -> NewApiKey:
    user_model = get_user_model()
    by_username: dict[str, Any] = {user_model.USERNAME_FIELD: username}
    user = row_or_not_found(user_model, f"No user {username!r}.", **by_username)
    if not _may_hold_a_key(user):
        # A key of anyone else would answer 401 to every call: refuse it now, saying why.
        raise ValidationFailed(
            f"{username!r} is not an active staff user; API keys are for staff only.",
            fields={"username": ["Must be an active user with staff status."]},
        )
    if len(name) > 100:
        raise ValidationFailed("The name is too long.", fields={"name": ["At most 100 characters."]})
    with transaction.atomic():
        for _attempt in range(5):
            prefix = secrets.token_hex(6)
            if not ApiKey.objects.filter(prefix=prefix).exists():
                break
        key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
        api_key = ApiKey.objects.create(user=user, name=name.strip(), prefix=prefix, key_hash=hash_key(key))
    return NewApiKey(api_key=api_key, key=key)


def _may_hold_a_key(user: Any) -> bool:
    """Keys are for active staff users, as sessions are (marquee.api.auth): a user who lost
    staff status or was deactivated keeps their keys in the records but cannot use them."""
    return bool(user.is_active and user.is_staff)


def api_key_authenticate(*, key: str) -> Any | None:
    """The active staff user a valid, unrevoked key belongs to; None otherwise (a 401)."""
    parts = _split(key)
    if parts is None:
        return None
    api_key = ApiKey.objects.select_related("user").filter(prefix=parts[0]).first()
    if api_key is None or not hmac.compare_digest(hash_key(key.strip()), api_key.key_hash):
        return None
    if api_key.revoked_at is not None or not _may_hold_a_key(api_key.user):
        return None
    at = clock_now()
    if api_key.last_used_at is None or api_key.last_used_at <= at - LAST_USED_RESOLUTION:
        # Conditional: of many concurrent requests, one writes.
        ApiKey.objects.filter(pk=api_key.pk, last_used_at=api_key.last_used_at).update(last_used_at=at)
    return api_key.user


def api_key_revoke(*, api_key_id: int) -> ApiKey:
    with transaction.atomic():
        api_key = row_or_not_found(ApiKey.objects.select_for_update(), "No such API key.", pk=api_key_id)
        if api_key.revoked_at is None:
            api_key.revoked_at = clock_now()
            api_key.save(update_fields=["revoked_at", "updated_at"])
        return api_key
