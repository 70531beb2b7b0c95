"""The configured destinations as the planner and the worker look them up
(`services/ports/destinations.py`), with their secrets opened.

What each kind's `Destination` carries:
- webhook: config {url, payload, custom_headers, encode_as, variables (the non-secret custom
  variables by name)}; secrets {signing_secret, previous_signing_secret (only within 24 h of
  a rotation), and every secret custom variable by name}. The signing secret is made on the
  first lookup when `casedesk webhooks secret` was never asked for it.
- slack: name `<account>/<channel>`; config {channel, channel_id (when known), display};
  secrets {token}.
- teams: config {host}; secrets {url} (the Workflows URL signs requests with its `sig`).
- pagerduty: secrets {routing_key}.
- email: any address, with nothing stored.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import exists, select

from casedesk.adapters.db.channels import SqlChannelRepository, canonical_name
from casedesk.adapters.db.connection_types import Connections
from casedesk.adapters.db.schema import channels as t
from casedesk.adapters.secrets import SecretBox
from casedesk.domain.notifications.channels import Channel, SigningSecrets, new_signing_secret
from casedesk.domain.notifications.destinations import ChannelKind, Destination

D = t.destinations.c
# Kept in a webhook's config for the services, not for senders.
INTERNAL_CONFIG = ("signing_secret_rotated_at",)


def utc_now() -> datetime:
    return datetime.now(UTC)


class SqlDestinations:
    def __init__(
        self, connections: Connections, box: SecretBox, clock: Callable[[], datetime] = utc_now
    ) -> None:
        self.connections = connections
        self.box = box
        self.clock = clock

    def exists(self, kind: ChannelKind, name: str) -> bool:
        if kind is ChannelKind.EMAIL:
            return True
        with self.connections.connect() as conn:
            name = canonical_name(kind, name, conn)
            query = select(exists().where(D.kind == kind.value, D.name == name))
            return bool(conn.execute(query).scalar())

    def find(self, kind: ChannelKind, name: str) -> Destination | None:
        if kind is ChannelKind.EMAIL:
            return Destination(ChannelKind.EMAIL, name)
        with self.connections.unit(write=False) as conn:
            repository = SqlChannelRepository(conn, self.box)
            channel = repository.find(kind, name)
            if channel is None:
                return None
            if kind is ChannelKind.SLACK:
                return self._slack(repository, channel)
            if kind is not ChannelKind.WEBHOOK:
                return Destination(kind, channel.name, _public(channel.config), dict(channel.secrets))
            if "signing_secret" in channel.secrets:
                return self._webhook(repository, channel)
        return self._webhook_signing_first(kind, name)

    def _webhook_signing_first(self, kind: ChannelKind, name: str) -> Destination | None:
        """A webhook signs from its first delivery on, whether or not anyone asked for its
        secret yet (`casedesk webhooks secret` then shows this one): made here, in a write
        transaction that looks again, so two workers agree on one secret."""
        with self.connections.unit(write=True) as conn:
            repository = SqlChannelRepository(conn, self.box)
            channel = repository.find(kind, name)
            if channel is None:
                return None
            if "signing_secret" not in channel.secrets:
                secrets = {**channel.secrets, "signing_secret": new_signing_secret()}
                channel = channel.changed(self.clock(), secrets=secrets)
                repository.save(channel)
            destination = self._webhook(repository, channel)
            conn.commit()
            return destination

    def _webhook(self, repository: SqlChannelRepository, channel: Channel) -> Destination:
        current = channel.secrets["signing_secret"]
        rotated = channel.config.get("signing_secret_rotated_at")
        kept = SigningSecrets(
            current,
            channel.secrets.get("previous_signing_secret"),
            datetime.fromisoformat(rotated) if isinstance(rotated, str) else None,
        )
        secrets = {"signing_secret": current}
        previous = kept.previous_at(self.clock())
        if previous is not None:
            secrets["previous_signing_secret"] = previous
        variables: dict[str, str] = {}
        with_values = select(t.webhook_variables)
        for row in repository.conn.execute(with_values).mappings():
            if row["is_secret"]:
                secrets[row["name"]] = self.box.open_text(row["value"])
            else:
                variables[row["name"]] = row["value"]
        config = {**_public(channel.config), "variables": variables}
        return Destination(ChannelKind.WEBHOOK, channel.name, config, secrets)

    def _slack(self, repository: SqlChannelRepository, channel: Channel) -> Destination | None:
        account = repository.slack_account(channel.account or "")
        if account is None:
            return None
        return Destination(ChannelKind.SLACK, channel.name, dict(channel.config), {"token": account.token})


def _public(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k not in INTERNAL_CONFIG}
