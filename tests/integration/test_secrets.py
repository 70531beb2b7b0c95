"""Secrets at rest: the key file a fresh install makes, explicit keys, old keys, and sealing
everything again under a new key."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from casedesk.adapters.secrets import KeySettings, SecretBox, SecretKeyError, default_data_dir, new_key
from casedesk.bootstrap import bootstrap
from casedesk.config import Settings
from casedesk.domain.notifications import commands as nc
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.users import Principal


def box(key_file: Path, key: str | None = None, *old: str) -> SecretBox:
    return SecretBox(KeySettings(key, old, key_file))


def test_a_fresh_install_makes_its_key_file_on_first_use(tmp_path: Path) -> None:
    key_file = tmp_path / "data" / "secret.key"
    first = box(key_file)
    assert not key_file.exists()  # nothing is made before a secret is sealed
    sealed = first.seal({"token": "xoxb-1"})
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert "xoxb-1" not in sealed
    assert box(key_file).open(sealed) == {"token": "xoxb-1"}  # the next process reads the same key


def test_where_the_key_file_goes_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_data_dir(f"sqlite:///{tmp_path}/casedesk.db") == tmp_path.resolve()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir("postgresql://casedesk@db/casedesk") == tmp_path / "xdg" / "casedesk"
    assert default_data_dir("sqlite:///:memory:") == tmp_path / "xdg" / "casedesk"


def test_an_explicit_key_and_old_keys(tmp_path: Path) -> None:
    old, new = new_key(), new_key()
    sealed = box(tmp_path / "none.key", old).seal({"a": "1"})
    with pytest.raises(SecretKeyError, match="CASEDESK_SECRET_KEYS"):
        box(tmp_path / "none.key", new).open(sealed)
    rotating = box(tmp_path / "none.key", new, old)
    assert rotating.open(sealed) == {"a": "1"}
    resealed = rotating.rotate(sealed)
    assert box(tmp_path / "none.key", new).open(resealed) == {"a": "1"}
    assert not (tmp_path / "none.key").exists()


def test_a_malformed_key_is_refused_with_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(SecretKeyError, match="secrets new-key"):
        box(tmp_path / "k", "not-a-key").seal({"a": "1"})


def test_moving_from_the_key_file_to_an_explicit_key(tmp_path: Path) -> None:
    """The key file still decrypts once an explicit key is set; resealing moves every secret
    to the explicit key, after which the key file is no longer needed."""
    database = f"sqlite:///{tmp_path}/casedesk.db"
    operator = Principal.operator()
    before = bootstrap(Settings(database_url=database), migrate=True)
    try:
        before.bus.handle(nc.AddSlackAccount("acme", "xoxb-acme"), operator)
        before.bus.handle(nc.CreatePagerDutyService("svc", "route-1"), operator)
        before.bus.handle(nc.CreateCustomVariable("TOKEN", "t0ken", is_secret=True), operator)
        before.bus.handle(nc.CreateCustomVariable("PLAIN", "shown", is_secret=False), operator)
        before.bus.handle(nc.CreateWebhook("ops", "https://example.com/hook"), operator)
    finally:
        before.close()
    assert (tmp_path / "secret.key").exists()

    key = new_key()
    moving = bootstrap(Settings(database_url=database, secret_key=key))
    try:
        assert moving.reseal_secrets() == 3  # the account's token, the service's key, the variable
        with moving.engine.connect() as conn:
            assert (
                conn.execute(text("SELECT value FROM webhook_variables WHERE name = 'PLAIN'")).scalar()
                == "shown"
            )
    finally:
        moving.close()

    (tmp_path / "secret.key").unlink()
    after = bootstrap(Settings(database_url=database, secret_key=key))
    try:
        slack = after.destinations.find(ChannelKind.SLACK, "acme/alerts")
        assert slack is None  # no channel configured, but the account reads:
        after.bus.handle(nc.CreateSlackChannel("acme", "alerts"), operator)
        found = after.destinations.find(ChannelKind.SLACK, "acme/alerts")
        assert found is not None
        assert found.secrets["token"] == "xoxb-acme"
        pagerduty = after.destinations.find(ChannelKind.PAGERDUTY, "svc")
        assert pagerduty is not None
        assert pagerduty.secrets["routing_key"] == "route-1"
        webhook = after.destinations.find(ChannelKind.WEBHOOK, "ops")
        assert webhook is not None
        assert webhook.secrets["TOKEN"] == "t0ken"
    finally:
        after.close()
    assert not (tmp_path / "secret.key").exists()
