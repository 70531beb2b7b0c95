"""The channel commands of the CLI, run as an operator would: Slack accounts, webhook signing
secrets, and resealing secrets under a new key."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from cryptography.fernet import Fernet

from casedesk.bootstrap import bootstrap
from casedesk.config import Settings
from casedesk.domain.notifications import commands as nc
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.users import Principal
from tests.support import casedesk


def run(database: str, *args: str, **env: str) -> dict[str, object] | list[object]:
    done = casedesk(database, *args, env=env)
    assert done.returncode == 0, done.stderr
    parsed = json.loads(done.stdout)
    assert isinstance(parsed, dict | list)
    return parsed


def test_slack_accounts_add_list_remove(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path}/casedesk.db"
    added = run(database, "slack", "accounts", "add", "--name", "acme", "--token", "xoxb-9-9-abc", "--json")
    assert isinstance(added, dict)
    assert added["name"] == "acme"
    assert set(added) == {"id", "name"}
    listed = run(database, "slack", "accounts", "list", "--json")
    assert isinstance(listed, list)
    assert [a["name"] for a in listed if isinstance(a, dict)] == ["acme"]
    assert "xoxb" not in json.dumps(listed)

    again = casedesk(database, "slack", "accounts", "add", "--name", "acme", "--token", "xoxb-2")
    assert again.returncode == 1
    assert "exists already" in again.stderr
    bad = casedesk(database, "slack", "accounts", "add", "--name", "has space", "--token", "xoxb-2")
    assert bad.returncode == 1
    assert "account name" in bad.stderr

    # The token is usable by the worker, sealed with the key file beside the database.
    container = bootstrap(Settings(database_url=database))
    try:
        container.bus.handle(nc.CreateSlackChannel("acme", "#ops"), Principal.operator())
        found = container.destinations.find(ChannelKind.SLACK, "acme/ops")
        assert found is not None
        assert found.secrets == {"token": "xoxb-9-9-abc"}
    finally:
        container.close()

    assert run(database, "slack", "accounts", "remove", "acme", "--json") == {"name": "acme", "removed": True}
    assert run(database, "slack", "accounts", "list", "--json") == []
    gone = casedesk(database, "slack", "accounts", "remove", "acme")
    assert gone.returncode == 1
    assert "not found" in gone.stderr


def test_webhook_secret_and_rotation(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path}/casedesk.db"
    container = bootstrap(Settings(database_url=database), migrate=True)
    try:
        container.bus.handle(nc.CreateWebhook("ops", "https://example.com/hook"), Principal.operator())
        shown = run(database, "webhooks", "secret", "ops", "--json")
        assert isinstance(shown, dict)
        assert set(shown) == {"name", "secret"}
        assert shown["name"] == "ops"
        secret = str(shown["secret"])
        assert secret.startswith("whsec_")
        assert 24 <= len(base64.b64decode(secret.removeprefix("whsec_"))) <= 64
        assert run(database, "webhooks", "secret", "ops", "--json") == shown  # made once

        plain = casedesk(database, "webhooks", "secret", "ops")
        assert plain.stdout.strip() == secret

        rotated = run(database, "webhooks", "secret", "ops", "--rotate", "--json")
        assert isinstance(rotated, dict)
        assert rotated["secret"] != secret
        found = container.destinations.find(ChannelKind.WEBHOOK, "ops")
        assert found is not None
        assert found.secrets["signing_secret"] == rotated["secret"]
        assert found.secrets["previous_signing_secret"] == secret
        audited = [e.action.value for e in container.identity.audit_entries(limit=10)]
        assert "channel.signing_secret_rotated" in audited
        assert "channel.signing_secret_created" in audited
    finally:
        container.close()
    unknown = casedesk(database, "webhooks", "secret", "nope")
    assert unknown.returncode == 1
    assert "webhook nope not found" in unknown.stderr


def test_secrets_rotate_moves_every_secret_to_the_new_key(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path}/casedesk.db"
    run(database, "slack", "accounts", "add", "--name", "acme", "--token", "xoxb-1", "--json")
    done = casedesk(database, "secrets", "new-key")
    assert done.returncode == 0
    key = done.stdout.strip()
    Fernet(key.encode())  # a usable key
    assert run(database, "secrets", "rotate", "--json", CASEDESK_SECRET_KEY=key) == {"resealed": 1}
    (tmp_path / "secret.key").unlink()
    listed = casedesk(database, "slack", "accounts", "list", env={"CASEDESK_SECRET_KEY": key})
    assert listed.returncode == 0
    # Without the old key, nothing reads: the CLI says which setting to use.
    wrong = casedesk(
        database, "secrets", "rotate", env={"CASEDESK_SECRET_KEY": Fernet.generate_key().decode()}
    )
    assert wrong.returncode == 1
    assert "CASEDESK_SECRET_KEYS" in wrong.stderr
