"""Configured channels as rows: the write side (secrets sealed on the way in, opened on the
way out), the read side (secrets never opened), and re-sealing every secret under the
current key."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, delete, insert, select, update

from casedesk.adapters.db.connection_types import ReadConnections
from casedesk.adapters.db.schema import channels as t
from casedesk.adapters.secrets import SecretBox
from casedesk.domain.errors import NotFound
from casedesk.domain.notifications.channels import Channel, CustomVariable, SlackAccount
from casedesk.domain.notifications.destinations import ChannelKind

D, A, V = t.destinations.c, t.slack_accounts.c, t.webhook_variables.c


def canonical_name(kind: ChannelKind, name: str, conn: Connection | None = None) -> str:
    """A Slack destination's channel may be written with its `#`; the row's name has none.
    A Slack name without `<account>/` (an incident's `@slack-<channel>`) is the channel of
    the only Slack account, when there is exactly one (looked up on `conn`)."""
    if kind is not ChannelKind.SLACK:
        return name
    if "/" not in name:
        accounts = [] if conn is None else conn.execute(select(A.name).limit(2)).scalars().all()
        if len(accounts) != 1:
            return name
        name = f"{accounts[0]}/{name}"
    account, channel = name.split("/", 1)
    return f"{account}/{channel.strip().removeprefix('#')}"


def channel_from_row(row: RowMapping, secrets: dict[str, str]) -> Channel:
    return Channel(
        id=row["id"],
        kind=ChannelKind(row["kind"]),
        name=row["name"],
        config=dict(row["config"]),
        secrets=secrets,
        created_at=row["created_at"],
        modified_at=row["modified_at"],
        account=row["account"],
    )


def channel_row(channel: Channel, box: SecretBox) -> dict[str, Any]:
    return {
        "id": channel.id,
        "kind": channel.kind.value,
        "name": channel.name,
        "account": channel.account,
        "config": channel.config,
        "secrets": box.seal(channel.secrets) if channel.secrets else None,
        "created_at": channel.created_at,
        "modified_at": channel.modified_at,
    }


def variable_from_row(row: RowMapping, value: str) -> CustomVariable:
    return CustomVariable(row["name"], value, row["is_secret"], row["created_at"], row["modified_at"])


def variable_row(variable: CustomVariable, box: SecretBox) -> dict[str, Any]:
    value = box.seal_text(variable.value) if variable.is_secret else variable.value
    return {
        "name": variable.name,
        "value": value,
        "is_secret": variable.is_secret,
        "created_at": variable.created_at,
        "modified_at": variable.modified_at,
    }


class SqlChannelRepository:
    def __init__(self, conn: Connection, box: SecretBox) -> None:
        self.conn = conn
        self.box = box

    def _channel(self, row: RowMapping | None) -> Channel | None:
        if row is None:
            return None
        return channel_from_row(row, self.box.open(row["secrets"]) if row["secrets"] else {})

    def find(self, kind: ChannelKind, name: str) -> Channel | None:
        name = canonical_name(kind, name, self.conn)
        query = select(t.destinations).where(D.kind == kind.value, D.name == name)
        return self._channel(self.conn.execute(query).mappings().first())

    def get(self, kind: ChannelKind, channel_id: uuid.UUID) -> Channel:
        query = select(t.destinations).where(D.kind == kind.value, D.id == channel_id)
        found = self._channel(self.conn.execute(query).mappings().first())
        if found is None:
            raise NotFound(kind.value, channel_id)
        return found

    def add(self, channel: Channel) -> None:
        self.conn.execute(insert(t.destinations).values(**channel_row(channel, self.box)))

    def save(self, channel: Channel) -> None:
        row = channel_row(channel, self.box)
        self.conn.execute(update(t.destinations).where(D.id == channel.id).values(**row))

    def delete(self, channel: Channel) -> None:
        self.conn.execute(delete(t.destinations).where(D.id == channel.id))

    def variable(self, name: str) -> CustomVariable | None:
        row = self.conn.execute(select(t.webhook_variables).where(V.name == name)).mappings().first()
        if row is None:
            return None
        value = self.box.open_text(row["value"]) if row["is_secret"] else row["value"]
        return variable_from_row(row, value)

    def add_variable(self, variable: CustomVariable) -> None:
        self.conn.execute(insert(t.webhook_variables).values(**variable_row(variable, self.box)))

    def save_variable(self, previous_name: str, variable: CustomVariable) -> None:
        row = variable_row(variable, self.box)
        self.conn.execute(update(t.webhook_variables).where(V.name == previous_name).values(**row))

    def delete_variable(self, name: str) -> None:
        self.conn.execute(delete(t.webhook_variables).where(V.name == name))

    def slack_account(self, name: str) -> SlackAccount | None:
        row = self.conn.execute(select(t.slack_accounts).where(A.name == name)).mappings().first()
        if row is None:
            return None
        return SlackAccount(row["id"], row["name"], self.box.open_text(row["token"]), row["created_at"])

    def add_slack_account(self, account: SlackAccount) -> None:
        values = {
            "id": account.id,
            "name": account.name,
            "token": self.box.seal_text(account.token),
            "created_at": account.created_at,
        }
        self.conn.execute(insert(t.slack_accounts).values(**values))

    def remove_slack_account(self, name: str) -> None:
        self.conn.execute(delete(t.destinations).where(D.account == name))
        self.conn.execute(delete(t.slack_accounts).where(A.name == name))


class ConfiguredNames:
    """Whether a destination of a kind and name is configured, as the unit of work's
    transaction sees it (for rules naming one when they are written); opens no secret."""

    def __init__(self, channels: SqlChannelRepository) -> None:
        self.conn = channels.conn

    def exists(self, kind: ChannelKind, name: str) -> bool:
        if kind is ChannelKind.EMAIL:
            return True
        name = canonical_name(kind, name, self.conn)
        query = select(D.id).where(D.kind == kind.value, D.name == name)
        return self.conn.execute(query).first() is not None


class SqlChannelReads:
    """What the configuration APIs show; no secret is opened here."""

    def __init__(self, connections: ReadConnections) -> None:
        self.connections = connections

    def _rows(self, query: Any) -> list[RowMapping]:
        with self.connections.connect() as conn:
            return list(conn.execute(query).mappings().all())

    def channels(self, kind: ChannelKind, *, account: str | None = None) -> list[Channel]:
        query = select(t.destinations).where(D.kind == kind.value).order_by(D.name)
        if account is not None:
            query = query.where(D.account == account)
        return [channel_from_row(row, {}) for row in self._rows(query)]

    def channel(self, kind: ChannelKind, name: str) -> Channel:
        query = select(t.destinations).where(D.kind == kind.value, D.name == canonical_name(kind, name))
        rows = self._rows(query)
        if not rows:
            raise NotFound(kind.value, name)
        return channel_from_row(rows[0], {})

    def channel_by_id(self, kind: ChannelKind, channel_id: uuid.UUID) -> Channel:
        rows = self._rows(select(t.destinations).where(D.kind == kind.value, D.id == channel_id))
        if not rows:
            raise NotFound(kind.value, channel_id)
        return channel_from_row(rows[0], {})

    def variables(self) -> list[CustomVariable]:
        rows = self._rows(select(t.webhook_variables).order_by(V.name))
        return [variable_from_row(row, "" if row["is_secret"] else row["value"]) for row in rows]

    def variable(self, name: str) -> CustomVariable:
        rows = self._rows(select(t.webhook_variables).where(V.name == name))
        if not rows:
            raise NotFound("custom variable", name)
        row = rows[0]
        return variable_from_row(row, "" if row["is_secret"] else row["value"])

    def slack_accounts(self) -> list[SlackAccount]:
        rows = self._rows(select(t.slack_accounts).order_by(A.name))
        return [SlackAccount(row["id"], row["name"], "", row["created_at"]) for row in rows]

    def slack_account(self, name: str) -> SlackAccount:
        rows = self._rows(select(t.slack_accounts).where(A.name == name))
        if not rows:
            raise NotFound("Slack account", name)
        return SlackAccount(rows[0]["id"], rows[0]["name"], "", rows[0]["created_at"])


def reseal_all(engine: Engine, box: SecretBox) -> int:
    """Seals every stored secret again under the current key, in one transaction; returns
    how many were written."""
    count = 0
    with engine.begin() as conn:
        for table, key, column, where in (
            (t.destinations, D.id, D.secrets, D.secrets.is_not(None)),
            (t.slack_accounts, A.id, A.token, A.token.is_not(None)),
            (t.webhook_variables, V.name, V.value, V.is_secret.is_(True)),
        ):
            for ident, token in conn.execute(select(key, column).where(where)).all():
                conn.execute(update(table).where(key == ident).values({column.name: box.rotate(token)}))
                count += 1
    return count
