"""The channels users configure: webhooks and their custom variables, PagerDuty services,
Slack accounts and channels, Microsoft Teams Workflows handles.

A configured channel is a `Channel`: its kind, its name (the destination's name, as
`destinations.Destination` says it), what a sender needs that is not secret (`config`) and
what is (`secrets`, encrypted at rest by the adapters). The functions here check what users
write, before anything is stored; whether casedesk may connect to a URL's address is the
outbound policy's call, made by the services.
"""

from __future__ import annotations

import base64
import enum
import json
import re
import secrets as random
import uuid
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.notifications.destinations import ChannelKind

NAME_MAX = 100
URL_MAX = 2048
PAYLOAD_MAX = 64 * 1024
SECRET_VALUE_MAX = 4096
TEAMS_NAME_MAX = 255
SLACK_CHANNEL_MAX = 80

# Names that appear in handles (`@webhook-<name>`, `@pagerduty-<name>`): no spaces, no `@`.
HANDLE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
VARIABLE_NAME = re.compile(r"^[A-Z0-9_]+$")
# RFC 9110 field names (tchar).
HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# Headers casedesk writes itself: the signature's, and those HTTP derives from the request.
RESERVED_HEADERS = frozenset(
    {"webhook-id", "webhook-timestamp", "webhook-signature", "host", "content-length", "transfer-encoding"}
)
# Retired Office 365 connector hosts: their URLs no longer deliver anything.
RETIRED_TEAMS_HOSTS = re.compile(r"(^|\.)webhook\.office\.com$")
# How long the signing secret a rotation replaced keeps signing, so receivers can switch.
PREVIOUS_SECRET_GRACE = timedelta(hours=24)
SIGNING_SECRET_BYTES = 32  # Standard Webhooks: 24 to 64 random bytes
SIGNING_SECRET_PREFIX = "whsec_"


class Encoding(enum.StrEnum):
    JSON = "json"
    FORM = "form"


@dataclass(frozen=True)
class SlackDisplay:
    """What a Slack notification shows (Datadog's `display` members)."""

    message: bool = True
    notified: bool = True
    snapshot: bool = True
    tags: bool = True
    mute_buttons: bool = False

    def as_dict(self) -> dict[str, bool]:
        return {
            "message": self.message,
            "notified": self.notified,
            "snapshot": self.snapshot,
            "tags": self.tags,
            "mute_buttons": self.mute_buttons,
        }

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> SlackDisplay:
        known = cls().as_dict()
        return cls(**{k: bool(stored.get(k, default)) for k, default in known.items()})


@dataclass
class Channel:
    """One configured destination. `name` is the destination's name: the webhook's, the
    PagerDuty service's, the Teams handle's, `<account>/<channel>` for Slack (whose `account`
    is set). `secrets` are plain text here; reads that only show a channel leave them empty."""

    id: uuid.UUID
    kind: ChannelKind
    name: str
    config: dict[str, Any]
    secrets: dict[str, str]
    created_at: datetime
    modified_at: datetime
    account: str | None = None

    @property
    def short_name(self) -> str:
        """The name without its Slack account."""
        return self.name.split("/", 1)[1] if self.account is not None else self.name

    def changed(self, now: datetime, **members: Any) -> Channel:
        return replace(self, modified_at=now, **members)


@dataclass
class CustomVariable:
    """A webhook variable (`$NAME` in payloads, headers and URLs); a secret one's value is
    never shown again once written."""

    name: str
    value: str
    is_secret: bool
    created_at: datetime
    modified_at: datetime


@dataclass
class SlackAccount:
    """A Slack workspace casedesk posts to with its bot token."""

    id: uuid.UUID
    name: str
    token: str = field(repr=False)
    created_at: datetime


@dataclass(frozen=True)
class SigningSecrets:
    """A webhook's Standard Webhooks secrets: the current one, and the one a rotation
    replaced, which keeps signing for `PREVIOUS_SECRET_GRACE` after `rotated_at`."""

    current: str
    previous: str | None = None
    rotated_at: datetime | None = None

    def rotate(self, now: datetime) -> SigningSecrets:
        return SigningSecrets(new_signing_secret(), self.current, now)

    def previous_at(self, now: datetime) -> str | None:
        if self.previous is None or self.rotated_at is None:
            return None
        return self.previous if now - self.rotated_at < PREVIOUS_SECRET_GRACE else None


def new_signing_secret() -> str:
    """`whsec_` and 32 random bytes in base64, as Standard Webhooks writes a secret."""
    return SIGNING_SECRET_PREFIX + base64.b64encode(random.token_bytes(SIGNING_SECRET_BYTES)).decode()


# -- what users write ----------------------------------------------------------------------


def clean_handle_name(name: str, field_name: str = "name", *, what: str = "name") -> str:
    stripped = name.strip()
    if not stripped or len(stripped) > NAME_MAX or not HANDLE_NAME.match(stripped):
        raise ValidationFailed(
            field_name,
            f"{what} must be 1 to {NAME_MAX} letters, digits, '_', '.' or '-' (got {name!r})",
        )
    return stripped


def clean_variable_name(name: str) -> str:
    if not name or len(name) > NAME_MAX or not VARIABLE_NAME.match(name):
        raise ValidationFailed(
            "name", f"a variable name is 1 to {NAME_MAX} upper-case letters, digits or '_' (got {name!r})"
        )
    return name


def clean_secret_value(value: str, field_name: str, what: str) -> str:
    if not value or len(value) > SECRET_VALUE_MAX or any(ch.isspace() for ch in value):
        raise ValidationFailed(
            field_name, f"{what} must be 1 to {SECRET_VALUE_MAX} characters without spaces"
        )
    return value


def clean_variable_value(value: str) -> str:
    if len(value) > SECRET_VALUE_MAX:
        raise ValidationFailed("value", f"a variable's value is at most {SECRET_VALUE_MAX} characters")
    return value


def clean_url(url: str, field_name: str = "url") -> str:
    """An absolute http(s) URL with a host; where it points is checked by the outbound policy."""
    if not url or len(url) > URL_MAX or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ValidationFailed(field_name, f"the URL must be 1 to {URL_MAX} characters without spaces")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _ = parts.port  # refuses a port that is not a number in range
    except ValueError as exc:
        raise ValidationFailed(field_name, f"not a valid URL: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationFailed(field_name, f"the URL's scheme must be http or https, not {parts.scheme!r}")
    if not host:
        raise ValidationFailed(field_name, "the URL has no host")
    return url


def clean_teams_url(url: str) -> str:
    clean_url(url)
    host = (urlsplit(url).hostname or "").lower()
    path = urlsplit(url).path.lower()
    if RETIRED_TEAMS_HOSTS.search(host) or (host == "outlook.office.com" and path.startswith("/webhook")):
        raise ValidationFailed(
            "url",
            "Office 365 connector URLs are retired and deliver nothing; create a Workflows webhook "
            "(the 'When a Teams webhook request is received' trigger) and use its URL",
        )
    return url


def clean_headers(text: str | None) -> str | None:
    """`custom_headers` is JSON text of an object whose members are header names and string
    values; empty text is no headers."""
    if text is None or not text.strip():
        return None
    if len(text) > PAYLOAD_MAX:
        raise ValidationFailed("custom_headers", f"custom_headers is at most {PAYLOAD_MAX} characters")
    try:
        headers = json.loads(text)
    except (ValueError, RecursionError):  # nesting deep enough to exhaust the parser
        raise ValidationFailed("custom_headers", "custom_headers must be a JSON object") from None
    if not isinstance(headers, dict):
        raise ValidationFailed("custom_headers", "custom_headers must be a JSON object")
    for name, value in headers.items():
        if not HEADER_NAME.match(name):
            raise ValidationFailed("custom_headers", f"{name!r} is not a header name")
        if name.lower() in RESERVED_HEADERS:
            raise ValidationFailed("custom_headers", f"casedesk sets the {name} header itself")
        if not isinstance(value, str) or "\r" in value or "\n" in value:
            raise ValidationFailed("custom_headers", f"the {name} header's value must be a one-line string")
    return text


def clean_payload(payload: str | None) -> str | None:
    if payload is not None and len(payload) > PAYLOAD_MAX:
        raise ValidationFailed("payload", f"payload is at most {PAYLOAD_MAX} characters")
    return payload


def clean_slack_channel(name: str) -> str:
    """A Slack channel name without its `#`: lower-case, no spaces, at most 80 characters."""
    bare = name.strip().removeprefix("#")
    if not bare or len(bare) > SLACK_CHANNEL_MAX or not re.fullmatch(r"[^\s#/@,.A-Z]+", bare):
        raise ValidationFailed(
            "name",
            f"a Slack channel name is 1 to {SLACK_CHANNEL_MAX} lower-case characters without spaces, "
            f"'/', '@', ',' or '.' (got {name!r})",
        )
    return bare


def clean_teams_name(name: str) -> str:
    stripped = name.strip()
    if not stripped or len(stripped) > TEAMS_NAME_MAX or any(ch.isspace() or ch == "@" for ch in stripped):
        raise ValidationFailed(
            "name", f"a handle name is 1 to {TEAMS_NAME_MAX} characters without spaces or '@'"
        )
    return stripped


def slack_name(account: str, channel: str) -> str:
    """The destination name of a Slack channel: `<account>/<channel without #>`."""
    return f"{account}/{channel.removeprefix('#')}"
