"""The command line's notification-channel commands: Slack accounts, webhook signing
secrets, and the key that seals secrets at rest. `cli.py` adds them to `casedesk`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer

from casedesk.adapters.secrets import SecretKeyError, new_key
from casedesk.bootstrap import Container, bootstrap
from casedesk.domain.commands import Command
from casedesk.domain.errors import DomainError, NotFound
from casedesk.domain.notifications import commands as nc
from casedesk.domain.users import Principal

slack_app = typer.Typer(help="Manage Slack workspaces casedesk posts to.", no_args_is_help=True)
slack_accounts_app = typer.Typer(help="Manage Slack accounts (a workspace and its bot token).")
slack_app.add_typer(slack_accounts_app, name="accounts", no_args_is_help=True)
webhooks_app = typer.Typer(help="Manage webhooks' signing secrets.", no_args_is_help=True)
secrets_app = typer.Typer(help="Manage the key that encrypts secrets at rest.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]
R = TypeVar("R")


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


def with_container(work: Callable[[Container], R]) -> R:
    """Runs `work` on a migrated database, with domain and key errors said plainly."""
    container = bootstrap(migrate=True)
    try:
        return work(container)
    except NotFound as exc:
        fail(f"{exc.resource} {exc.ref} not found")
        raise
    except (DomainError, SecretKeyError) as exc:
        fail(str(exc))
        raise
    finally:
        container.close()


def as_operator(command: Command[R]) -> R:
    return with_container(lambda c: c.bus.handle(command, Principal.operator()))


@slack_accounts_app.command("add")
def accounts_add(
    name: Annotated[str, typer.Option(help="What the account is called in channel paths.")],
    token: Annotated[str, typer.Option(help="The workspace's bot token (xoxb-…).")],
    as_json: JsonFlag = False,
) -> None:
    """Add a Slack workspace with its bot token (stored encrypted)."""
    account_id = as_operator(nc.AddSlackAccount(name=name, token=token))
    shown = {"id": str(account_id), "name": name.strip()}
    typer.echo(json.dumps(shown) if as_json else f"Slack account {shown['name']} added")


@slack_accounts_app.command("list")
def accounts_list(as_json: JsonFlag = False) -> None:
    """List the Slack accounts (never their tokens)."""
    accounts = with_container(lambda c: c.channels.slack_accounts())
    listed = [{"id": str(a.id), "name": a.name, "created_at": a.created_at.isoformat()} for a in accounts]
    if as_json:
        typer.echo(json.dumps(listed))
        return
    for item in listed:
        typer.echo(f"{item['name']}  {item['created_at']}")


@slack_accounts_app.command("remove")
def accounts_remove(
    name: Annotated[str, typer.Argument(help="The account's name.")], as_json: JsonFlag = False
) -> None:
    """Remove a Slack account and the channels configured on it."""
    as_operator(nc.RemoveSlackAccount(name=name))
    typer.echo(json.dumps({"name": name, "removed": True}) if as_json else f"Slack account {name} removed")


@webhooks_app.command("secret")
def webhook_secret(
    name: Annotated[str, typer.Argument(help="The webhook's name.")],
    rotate: Annotated[
        bool, typer.Option("--rotate", help="Make a new secret; the old one signs for 24 more hours.")
    ] = False,
    as_json: JsonFlag = False,
) -> None:
    """Print the webhook's Standard Webhooks signing secret (made on first use)."""
    secret = as_operator(nc.RevealSigningSecret(webhook=name, rotate=rotate))
    typer.echo(json.dumps({"name": name, "secret": secret}) if as_json else secret)


@secrets_app.command("rotate")
def secrets_rotate(as_json: JsonFlag = False) -> None:
    """Encrypt every stored secret again with the current key (CASEDESK_SECRET_KEY), so the
    old keys (CASEDESK_SECRET_KEYS, the key file) can be dropped afterwards."""
    count = with_container(lambda c: c.reseal_secrets())
    typer.echo(
        json.dumps({"resealed": count}) if as_json else f"{count} secrets encrypted with the current key"
    )


@secrets_app.command("new-key")
def secrets_new_key() -> None:
    """Print a new key for CASEDESK_SECRET_KEY."""
    typer.echo(new_key())


def register(app: typer.Typer) -> None:
    app.add_typer(slack_app, name="slack")
    app.add_typer(webhooks_app, name="webhooks")
    app.add_typer(secrets_app, name="secrets")
