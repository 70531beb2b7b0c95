"""PagerDuty services, Slack accounts and channels, Microsoft Teams Workflows handles. Every
change is written to the audit log, never with a secret in it."""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import urlsplit

from casedesk.domain.audit import AuditAction
from casedesk.domain.errors import NotFound, ValidationFailed
from casedesk.domain.notifications import commands as nc
from casedesk.domain.notifications.channels import (
    Channel,
    SlackAccount,
    SlackDisplay,
    clean_slack_channel,
    slack_name,
)
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.users import Principal
from casedesk.services.audit import record
from casedesk.services.notifications.webhooks import check_address, name_free
from casedesk.services.ports.uow import UnitOfWork

PAGERDUTY, SLACK, TEAMS = ChannelKind.PAGERDUTY, ChannelKind.SLACK, ChannelKind.TEAMS


def found(uow: UnitOfWork, kind: ChannelKind, name: str, what: str) -> Channel:
    channel = uow.channels.find(kind, name)
    if channel is None:
        raise NotFound(what, name)
    return channel


# -- PagerDuty -------------------------------------------------------------------------------


def create_service(uow: UnitOfWork, cmd: nc.CreatePagerDutyService, who: Principal, now: datetime) -> str:
    if uow.channels.find(PAGERDUTY, cmd.name) is not None:
        raise ValidationFailed("service_name", f"a service named {cmd.name!r} exists already")
    secrets = {"routing_key": cmd.routing_key}
    uow.channels.add(Channel(uuid.uuid4(), PAGERDUTY, cmd.name, {}, secrets, now, now))
    record(uow, who, now, AuditAction.CHANNEL_CREATED, PAGERDUTY.value, cmd.name)
    return cmd.name


def update_service(uow: UnitOfWork, cmd: nc.UpdatePagerDutyService, who: Principal, now: datetime) -> str:
    service = found(uow, PAGERDUTY, cmd.name, "PagerDuty service")
    uow.channels.save(service.changed(now, secrets={"routing_key": cmd.routing_key}))
    record(uow, who, now, AuditAction.CHANNEL_UPDATED, PAGERDUTY.value, cmd.name)
    return cmd.name


def delete_service(uow: UnitOfWork, cmd: nc.DeletePagerDutyService, who: Principal, now: datetime) -> str:
    service = found(uow, PAGERDUTY, cmd.name, "PagerDuty service")
    uow.channels.delete(service)
    record(uow, who, now, AuditAction.CHANNEL_DELETED, PAGERDUTY.value, cmd.name)
    return cmd.name


# -- Slack -----------------------------------------------------------------------------------


def account(uow: UnitOfWork, name: str) -> SlackAccount:
    found_account = uow.channels.slack_account(name)
    if found_account is None:
        raise NotFound("Slack account", name)
    return found_account


def add_account(uow: UnitOfWork, cmd: nc.AddSlackAccount, who: Principal, now: datetime) -> uuid.UUID:
    if uow.channels.slack_account(cmd.name) is not None:
        raise ValidationFailed("name", f"a Slack account named {cmd.name!r} exists already")
    added = SlackAccount(uuid.uuid4(), cmd.name, cmd.token, now)
    uow.channels.add_slack_account(added)
    record(uow, who, now, AuditAction.CHANNEL_CREATED, "slack_account", cmd.name)
    return added.id


def remove_account(uow: UnitOfWork, cmd: nc.RemoveSlackAccount, who: Principal, now: datetime) -> str:
    account(uow, cmd.name)
    uow.channels.remove_slack_account(cmd.name)
    record(uow, who, now, AuditAction.CHANNEL_DELETED, "slack_account", cmd.name)
    return cmd.name


def create_channel(uow: UnitOfWork, cmd: nc.CreateSlackChannel, who: Principal, now: datetime) -> str:
    account(uow, cmd.account)
    name = slack_name(cmd.account, cmd.name)
    name_free(uow, SLACK, name, "channel")
    config = {"channel": cmd.name, "display": cmd.display.as_dict()}
    uow.channels.add(Channel(uuid.uuid4(), SLACK, name, config, {}, now, now, account=cmd.account))
    record(uow, who, now, AuditAction.CHANNEL_CREATED, SLACK.value, name)
    return name


def slack_channel(uow: UnitOfWork, account_name: str, channel: str) -> Channel:
    account(uow, account_name)
    return found(uow, SLACK, slack_name(account_name, channel.strip()), "Slack channel")


def update_channel(uow: UnitOfWork, cmd: nc.UpdateSlackChannel, who: Principal, now: datetime) -> str:
    current = slack_channel(uow, cmd.account, cmd.channel)
    config = dict(current.config)
    name = current.name
    if cmd.name is not None and cmd.name != config.get("channel"):
        name = slack_name(cmd.account, clean_slack_channel(cmd.name))
        name_free(uow, SLACK, name, "channel")
        # Another channel: the id Slack gave the old one no longer applies.
        config = {**config, "channel": cmd.name}
        config.pop("channel_id", None)
    if cmd.display is not None:
        config["display"] = SlackDisplay.from_dict({**config.get("display", {}), **cmd.display}).as_dict()
    uow.channels.save(current.changed(now, name=name, config=config))
    record(uow, who, now, AuditAction.CHANNEL_UPDATED, SLACK.value, name, previous_name=current.name)
    return name


def delete_channel(uow: UnitOfWork, cmd: nc.DeleteSlackChannel, who: Principal, now: datetime) -> str:
    current = slack_channel(uow, cmd.account, cmd.channel)
    uow.channels.delete(current)
    record(uow, who, now, AuditAction.CHANNEL_DELETED, SLACK.value, current.name)
    return current.name


# -- Microsoft Teams -------------------------------------------------------------------------


def teams_config(url: str) -> dict[str, str]:
    """What may be shown of a Workflows URL: its host. The URL itself signs requests (its
    `sig` parameter), so it is kept with the secrets."""
    return {"host": urlsplit(url).hostname or ""}


def create_handle(uow: UnitOfWork, cmd: nc.CreateTeamsHandle, who: Principal, now: datetime) -> uuid.UUID:
    check_address(uow, cmd.url)
    name_free(uow, TEAMS, cmd.name, "handle")
    handle = Channel(uuid.uuid4(), TEAMS, cmd.name, teams_config(cmd.url), {"url": cmd.url}, now, now)
    uow.channels.add(handle)
    record(uow, who, now, AuditAction.CHANNEL_CREATED, TEAMS.value, handle.id, name=cmd.name)
    return handle.id


def update_handle(uow: UnitOfWork, cmd: nc.UpdateTeamsHandle, who: Principal, now: datetime) -> uuid.UUID:
    if cmd.url is not None:
        check_address(uow, cmd.url)
    handle = uow.channels.get(TEAMS, cmd.handle_id)
    if cmd.name is not None and cmd.name != handle.name:
        name_free(uow, TEAMS, cmd.name, "handle")
    changed = handle.changed(now, name=cmd.name or handle.name)
    if cmd.url is not None:
        changed = changed.changed(now, config=teams_config(cmd.url), secrets={"url": cmd.url})
    uow.channels.save(changed)
    record(uow, who, now, AuditAction.CHANNEL_UPDATED, TEAMS.value, handle.id, name=changed.name)
    return handle.id


def delete_handle(uow: UnitOfWork, cmd: nc.DeleteTeamsHandle, who: Principal, now: datetime) -> uuid.UUID:
    handle = uow.channels.get(TEAMS, cmd.handle_id)
    uow.channels.delete(handle)
    record(uow, who, now, AuditAction.CHANNEL_DELETED, TEAMS.value, handle.id, name=handle.name)
    return handle.id
