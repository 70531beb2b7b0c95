"""Minting and checking API and application keys.

Keys are 160 random bits, so a fast SHA-256 digest is enough to store them safely (slow
password hashes protect guessable secrets; these are not guessable) and it keeps the lookup
on every request a single indexed equality.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta

from casedesk.domain.errors import Unauthenticated
from casedesk.domain.users import ApiKey, AppKey, IssuedKeys, Principal, effective_scopes
from casedesk.domain.vocab import Scope
from casedesk.services.ports.key_lookup import KeyLookup
from casedesk.services.ports.uow import UnitOfWork


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_keys(
    uow: UnitOfWork, user_id: uuid.UUID, scopes: frozenset[Scope], name: str, now: datetime
) -> IssuedKeys:
    """Adds a new API key and application key for the user; the caller commits."""
    api_secret = secrets.token_hex(16)  # 32 hex characters, like Datadog API keys
    app_secret = secrets.token_hex(20)  # 40 hex characters, like Datadog application keys
    uow.keys.add_api_key(
        ApiKey(
            id=uuid.uuid4(),
            created_by=user_id,
            name=name,
            key_hash=digest(api_secret),
            last4=api_secret[-4:],
            created_at=now,
        )
    )
    app_key_id = uuid.uuid4()
    uow.keys.add_app_key(
        AppKey(
            id=app_key_id,
            user_id=user_id,
            name=name,
            key_hash=digest(app_secret),
            last4=app_secret[-4:],
            scopes=scopes,
            created_at=now,
        )
    )
    return IssuedKeys(
        user_id=user_id, key_id=app_key_id, api_key=api_secret, app_key=app_secret, scopes=scopes
    )


# How stale a key's `last_used_at` may get: stamping every use would make every request a
# write; once a minute costs one UPDATE per key per minute and is precise enough to tell
# which keys are still in use.
USE_STAMP_INTERVAL = timedelta(seconds=60)


def authenticate(
    keys: KeyLookup, api_key: str | None, app_key: str | None, now: datetime | None = None
) -> Principal:
    """Datadog's rule: an API key and an application key together; or an application key
    alone when it came as a bearer token (then `api_key` is None and `app_key` is set).
    A key accepted is stamped as used unless it was within `USE_STAMP_INTERVAL`."""
    if not app_key:
        raise Unauthenticated("an application key is required (DD-APPLICATION-KEY or Bearer)")
    found = keys.check(None if api_key is None else digest(api_key), digest(app_key))
    if not found.api_key_live:
        raise Unauthenticated("unknown API key")
    holder = found.app_key
    if holder is None or holder.revoked:
        raise Unauthenticated("unknown application key")
    if holder.user_disabled:
        raise Unauthenticated("the key's user is disabled")
    now = now or datetime.now(UTC)
    if holder.last_used_at is None or now - holder.last_used_at >= USE_STAMP_INTERVAL:
        keys.record_use(holder.key_id, now)
    return Principal(
        user_id=holder.user_id,
        email=holder.email,
        scopes=effective_scopes(holder.scopes, holder.role),
        role=holder.role,
        key_id=holder.key_id,
    )
