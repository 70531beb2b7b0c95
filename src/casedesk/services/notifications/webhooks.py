"""Webhooks, their custom variables and their signing secrets. Every change is written to
the audit log, never with a secret in it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from casedesk.domain.audit import AuditAction
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.notifications import commands as nc
from casedesk.domain.notifications.channels import Channel, CustomVariable, SigningSecrets, new_signing_secret
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.users import Principal
from casedesk.services.audit import record
from casedesk.services.ports.uow import UnitOfWork

WEBHOOK = ChannelKind.WEBHOOK
VARIABLE = "webhook_variable"


def check_address(uow: UnitOfWork, url: str, field: str = "url") -> None:
    refusal = uow.outbound.refusal(url)
    if refusal is not None:
        raise ValidationFailed(field, refusal)


def webhook(uow: UnitOfWork, name: str) -> Channel:
    found = uow.channels.find(WEBHOOK, name)
    if found is None:
        raise NotFound("webhook", name)
    return found


def name_free(uow: UnitOfWork, kind: ChannelKind, name: str, what: str) -> None:
    if uow.channels.find(kind, name) is not None:
        raise ValidationFailed("name", f"a {what} named {name!r} exists already")


def create_webhook(uow: UnitOfWork, cmd: nc.CreateWebhook, who: Principal, now: datetime) -> str:
    check_address(uow, cmd.url)
    name_free(uow, WEBHOOK, cmd.name, "webhook")
    config = {
        "url": cmd.url,
        "payload": cmd.payload,
        "custom_headers": cmd.custom_headers,
        "encode_as": cmd.encode_as.value,
    }
    uow.channels.add(Channel(uuid.uuid4(), WEBHOOK, cmd.name, config, {}, now, now))
    record(uow, who, now, AuditAction.CHANNEL_CREATED, WEBHOOK.value, cmd.name, url=cmd.url)
    return cmd.name


def update_webhook(uow: UnitOfWork, cmd: nc.UpdateWebhook, who: Principal, now: datetime) -> str:
    if cmd.url is not None:
        check_address(uow, cmd.url)
    found = webhook(uow, cmd.webhook)
    if cmd.name is not None and cmd.name != found.name:
        name_free(uow, WEBHOOK, cmd.name, "webhook")
    config: dict[str, Any] = dict(found.config)
    if cmd.url is not None:
        config["url"] = cmd.url
    if not isinstance(cmd.payload, nc.Unchanged):
        config["payload"] = cmd.payload
    if not isinstance(cmd.custom_headers, nc.Unchanged):
        config["custom_headers"] = cmd.custom_headers
    if cmd.encode_as is not None:
        config["encode_as"] = cmd.encode_as.value
    changed = found.changed(now, name=cmd.name or found.name, config=config)
    uow.channels.save(changed)
    record(
        uow, who, now, AuditAction.CHANNEL_UPDATED, WEBHOOK.value, changed.name,
        previous_name=found.name, url=config["url"],
    )  # fmt: skip
    return changed.name


def delete_webhook(uow: UnitOfWork, cmd: nc.DeleteWebhook, who: Principal, now: datetime) -> str:
    found = webhook(uow, cmd.webhook)
    uow.channels.delete(found)
    record(uow, who, now, AuditAction.CHANNEL_DELETED, WEBHOOK.value, found.name)
    return found.name


def signing_secrets(found: Channel) -> SigningSecrets | None:
    """The secrets kept in a webhook's channel (`signing_secret`, `previous_signing_secret`,
    and the time of the last rotation in its config)."""
    current = found.secrets.get("signing_secret")
    if current is None:
        return None
    rotated = found.config.get("signing_secret_rotated_at")
    return SigningSecrets(
        current,
        found.secrets.get("previous_signing_secret"),
        datetime.fromisoformat(rotated) if isinstance(rotated, str) else None,
    )


def reveal_signing_secret(uow: UnitOfWork, cmd: nc.RevealSigningSecret, who: Principal, now: datetime) -> str:
    found = webhook(uow, cmd.webhook)
    kept = signing_secrets(found)
    if kept is not None and not cmd.rotate:
        return kept.current
    fresh = kept.rotate(now) if kept is not None else SigningSecrets(new_signing_secret())
    secrets = {"signing_secret": fresh.current}
    config = dict(found.config)
    if fresh.previous is not None and fresh.rotated_at is not None:
        secrets["previous_signing_secret"] = fresh.previous
        config["signing_secret_rotated_at"] = fresh.rotated_at.isoformat()
    uow.channels.save(found.changed(now, secrets={**found.secrets, **secrets}, config=config))
    action = AuditAction.SIGNING_SECRET_ROTATED if kept is not None else AuditAction.SIGNING_SECRET_CREATED
    record(uow, who, now, action, WEBHOOK.value, found.name)
    return fresh.current


# -- custom variables ------------------------------------------------------------------------


def variable(uow: UnitOfWork, name: str) -> CustomVariable:
    found = uow.channels.variable(name)
    if found is None:
        raise NotFound("custom variable", name)
    return found


def create_variable(uow: UnitOfWork, cmd: nc.CreateCustomVariable, who: Principal, now: datetime) -> str:
    if uow.channels.variable(cmd.name) is not None:
        raise ValidationFailed("name", f"a custom variable named {cmd.name!r} exists already")
    uow.channels.add_variable(CustomVariable(cmd.name, cmd.value, cmd.is_secret, now, now))
    record(uow, who, now, AuditAction.CHANNEL_CREATED, VARIABLE, cmd.name, is_secret=cmd.is_secret)
    return cmd.name


def update_variable(uow: UnitOfWork, cmd: nc.UpdateCustomVariable, who: Principal, now: datetime) -> str:
    found = variable(uow, cmd.variable)
    if cmd.name is not None and cmd.name != found.name and uow.channels.variable(cmd.name) is not None:
        raise ValidationFailed("name", f"a custom variable named {cmd.name!r} exists already")
    changed = CustomVariable(
        name=cmd.name or found.name,
        value=found.value if cmd.value is None else cmd.value,
        is_secret=found.is_secret if cmd.is_secret is None else cmd.is_secret,
        created_at=found.created_at,
        modified_at=now,
    )
    uow.channels.save_variable(found.name, changed)
    record(
        uow, who, now, AuditAction.CHANNEL_UPDATED, VARIABLE, changed.name,
        previous_name=found.name, is_secret=changed.is_secret,
    )  # fmt: skip
    return changed.name


def delete_variable(uow: UnitOfWork, cmd: nc.DeleteCustomVariable, who: Principal, now: datetime) -> str:
    found = variable(uow, cmd.variable)
    uow.channels.delete_variable(found.name)
    record(uow, who, now, AuditAction.CHANNEL_DELETED, VARIABLE, found.name)
    return found.name
