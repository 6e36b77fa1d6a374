"""Writes for the FHIR API: API tokens (issue, revoke, use) and the published rule sets."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import connections, transaction

from triage.guideline import RULESET_VERSION

from .mapping.plan_definition import current_plan_definition
from .models import ApiToken, RuleSetVersion

TOKEN_PREFIX = "upr_"  # noqa: S105 - a label that makes a leaked token recognisable
SHOWN_PREFIX_LENGTH = 10


class TokenError(Exception):
    """A token action the token's state does not allow; the message is for the user."""


def token_digest(raw: str) -> str:
    # A token is 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def issue_token(
    *, user: AbstractBaseUser, name: str, issued_by: AbstractBaseUser
) -> tuple[ApiToken, str]:
    """Create a user's token; return it with its secret, which is never stored or shown again."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=raw[:SHOWN_PREFIX_LENGTH],
        digest=token_digest(raw),
        created_by=issued_by,
    )
    token._history_user = issued_by
    token._change_reason = "issued"
    token.save()
    return token, raw


@transaction.atomic
def revoke_token(
    *, token: ApiToken, revoked_by: AbstractBaseUser, now: datetime.datetime
) -> ApiToken:
    """Revoke a token for good; the row stays, with who revoked it and when."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        raise TokenError("This token was already revoked.")
    locked.revoked_at = now
    locked.revoked_by = revoked_by
    locked._history_user = revoked_by
    locked._change_reason = "revoked"
    locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def user_for_token(raw: str, *, now: datetime.datetime) -> AbstractBaseUser | None:
    """The active user an unrevoked token belongs to (its last use is noted), or None."""
    token = (
        ApiToken.objects.active()
        .select_related("user")
        .filter(digest=token_digest(raw), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def keep_current_rule_set(*, using: str = "default") -> RuleSetVersion | None:
    """Store the engine's current rule set as published, if this version is not stored yet."""
    if RuleSetVersion._meta.db_table not in connections[using].introspection.table_names():
        return None
    stored, _ = RuleSetVersion.objects.using(using).get_or_create(
        version=RULESET_VERSION, defaults={"plan_definition": current_plan_definition()}
    )
    return stored
