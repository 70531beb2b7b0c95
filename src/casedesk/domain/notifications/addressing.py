"""How each way of naming a destination becomes a `(ChannelKind, name)` the destinations are
looked up by: a case rule's recipient and an incident rule's handle.

A Slack name is `<account>/<channel>` (the channel without `#`); one that names no account
(`@slack-alerts`, a recipient without `workspace`) is the channel alone, which the
destinations resolve in the only Slack account configured. Handles that reach nothing a
channel delivers to (on-call teams, workflows, the incident's own Slack channel) have no
destination: `handle_destination` says why instead, and `unreachable` is how the delivery
log records them (suppressed, never sent), so that what a rule asked for stays visible.
"""

from __future__ import annotations

from casedesk.domain.cases.rules import Recipient, RecipientType
from casedesk.domain.handles import Handle, HandleKind
from casedesk.domain.notifications.destinations import ChannelKind


def slack_name(channel: str, account: str | None) -> str:
    channel = channel.removeprefix("#")
    return f"{account}/{channel}" if account else channel


def recipient_destination(recipient: Recipient) -> tuple[ChannelKind, str, str]:
    """(kind, name, the data member that named it) of a case rule's recipient."""
    data = recipient.data
    match recipient.kind:
        case RecipientType.EMAIL:
            return ChannelKind.EMAIL, data.email or "", "email"
        case RecipientType.SLACK_CHANNEL:
            member = "channel" if data.channel else "channel_id"
            return (
                ChannelKind.SLACK,
                slack_name(data.channel or data.channel_id or "", data.workspace),
                member,
            )
        case RecipientType.MS_TEAMS_CHANNEL:
            member = "connector_name" if data.connector_name else "channel_name"
            return ChannelKind.TEAMS, data.connector_name or data.channel_name or "", member
        case RecipientType.PAGERDUTY_SERVICE:
            return ChannelKind.PAGERDUTY, data.service_name or "", "service_name"
        case RecipientType.HTTP:
            return ChannelKind.WEBHOOK, data.name or "", "name"


HANDLE_CHANNELS = {
    HandleKind.EMAIL: ChannelKind.EMAIL,
    HandleKind.SLACK: ChannelKind.SLACK,
    HandleKind.TEAMS: ChannelKind.TEAMS,
    HandleKind.WEBHOOK: ChannelKind.WEBHOOK,
    HandleKind.PAGERDUTY: ChannelKind.PAGERDUTY,
}
UNREACHABLE = {
    HandleKind.ONCALL: "on-call pages are not hosted",
    HandleKind.WORKFLOW: "workflows are not hosted",
    HandleKind.INCIDENT_SLACK_CHANNEL: "incidents have no Slack channel of their own",
}


UNSUPPORTED = "unsupported_handle"
NAME_MAX = 300  # within the ledger's 320 characters for a destination name
REASON_MAX = 200  # the ledger's `suppressed_by`


def unreachable(handle_text: str) -> tuple[ChannelKind, str, str]:
    """(kind, name, suppressed_by) of the delivery that records a handle reaching nothing:
    `unreachable:@oncall-sre`, suppressed by `unsupported_handle:@oncall-sre`."""
    name = handle_text.strip()[:NAME_MAX]
    return ChannelKind.UNREACHABLE, name, f"{UNSUPPORTED}:{name}"[:REASON_MAX]


def handle_destination(handle: Handle) -> tuple[ChannelKind, str] | str:
    """(kind, name) of the destination a handle reaches, or why it reaches none. A Slack
    handle's target may name its account: `@slack-<account>/<channel>`."""
    kind = HANDLE_CHANNELS.get(handle.kind)
    if kind is None:
        return UNREACHABLE[handle.kind]
    if kind is ChannelKind.SLACK:
        account, _, channel = handle.target.rpartition("/")
        return kind, slack_name(channel, account or None)
    return kind, handle.target
