"""The `casedesk` command line: serve, migrate, init, users, keys and project access."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from casedesk.bootstrap import bootstrap
from casedesk.domain import users as uc
from casedesk.domain.commands import Command
from casedesk.domain.errors import DomainError, NotFound
from casedesk.domain.ids import UserRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import IssuedKeys, Principal, Role, clean_email
from casedesk.domain.vocab import Scope

app = typer.Typer(help="casedesk: self-hosted case and incident management.", no_args_is_help=True)
users_app = typer.Typer(help="Manage users.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage API and application keys.", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
projects_app = typer.Typer(help="Manage who may see projects.", no_args_is_help=True)
members_app = typer.Typer(help="Manage a project's members.", no_args_is_help=True)
app.add_typer(projects_app, name="projects")
projects_app.add_typer(members_app, name="members")


def fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=1)


def describe(exc: DomainError) -> str:
    if isinstance(exc, NotFound):
        return f"{exc.resource} {exc.ref} not found"
    return exc.message


def parse_scopes(text: str | None) -> frozenset[Scope]:
    """None (no --scopes) is the default scopes; an empty list or an unknown name is an error,
    never "every scope"."""
    if text is None:
        return Scope.default()
    known = ", ".join(s.value for s in Scope)
    scopes = set()
    for name in (part.strip() for part in text.split(",") if part.strip()):
        try:
            scopes.add(Scope(name))
        except ValueError:
            fail(f"unknown scope {name!r}; known scopes: {known}")
    if not scopes:
        fail(f"--scopes names no scope; known scopes: {known}")
    return frozenset(scopes)


def print_keys(keys: IssuedKeys, as_json: bool) -> None:
    if as_json:
        typer.echo(
            json.dumps({"user_id": str(keys.user_id), "api_key": keys.api_key, "app_key": keys.app_key})
        )
    else:
        typer.echo(f"user id:         {keys.user_id}")
        typer.echo(f"API key:         {keys.api_key}")
        typer.echo(f"application key: {keys.app_key}")
        typer.echo("Keep these keys: casedesk stores only their hashes.")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="HTTP worker processes.")] = 1,
) -> None:
    """Migrate the database if needed and serve the HTTP API."""
    import uvicorn

    container = bootstrap(migrate=True)
    container.close()
    if workers > 1:
        uvicorn.run(
            "casedesk.entrypoints.http.asgi:create", factory=True, host=host, port=port, workers=workers
        )
    else:
        from casedesk.entrypoints.http.app import create_app

        uvicorn.run(create_app(bootstrap()), host=host, port=port)


@app.command()
def migrate() -> None:
    """Run the database migrations up to the newest."""
    bootstrap(migrate=True).close()
    typer.echo("database is up to date")


@app.command()
def init(
    admin_email: Annotated[str, typer.Option("--admin-email", help="The admin's email.")],
    name: Annotated[str | None, typer.Option(help="The admin's display name.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create the first admin user and a key pair with the default scopes (run it again for new
    keys)."""
    container = bootstrap(migrate=True)
    try:
        with container.uow() as uow:
            existing = uow.users.find_by_email(admin_email.strip().lower())
        if existing is None:
            container.bus.handle(
                uc.CreateUser(email=admin_email, name=name, role=Role.ADMIN), Principal.operator()
            )
        keys = container.bus.handle(
            uc.CreateKeys(user_email=admin_email, scopes=Scope.default(), name="init"), Principal.operator()
        )
    except DomainError as exc:
        fail(describe(exc))
    finally:
        container.close()
    print_keys(keys, as_json)


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="The user's email.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    title: Annotated[str | None, typer.Option(help="Job title.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create a user."""
    container = bootstrap(migrate=True)
    try:
        user_id = container.bus.handle(
            uc.CreateUser(email=email, name=name, title=title), Principal.operator()
        )
    except DomainError as exc:
        fail(describe(exc))
    finally:
        container.close()
    # Echo the address as stored (lower-cased), which is what `keys create --user` matches.
    stored = clean_email(email)
    typer.echo(json.dumps({"user_id": str(user_id), "email": stored}) if as_json else f"user id: {user_id}")


@keys_app.command("create")
def keys_create(
    user: Annotated[str, typer.Option(help="Email of the user the keys act as.")],
    scopes: Annotated[
        str | None, typer.Option(help="Comma-separated scopes (default: every scope but act_on_behalf).")
    ] = None,
    name: Annotated[str, typer.Option(help="A label for the keys.")] = "cli",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create an API key and an application key for a user."""
    wanted = parse_scopes(scopes)
    container = bootstrap(migrate=True)
    try:
        keys = container.bus.handle(
            uc.CreateKeys(user_email=user, scopes=wanted, name=name), Principal.operator()
        )
    except DomainError as exc:
        fail(describe(exc))
    finally:
        container.close()
    print_keys(keys, as_json)


def run_as_operator(command: Command[object]) -> None:
    container = bootstrap(migrate=True)
    try:
        container.bus.handle(command, Principal.operator())
    except DomainError as exc:
        fail(describe(exc))
    finally:
        container.close()


def report(as_json: bool, sentence: str, **fields: object) -> None:
    typer.echo(json.dumps(fields) if as_json else sentence)


JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object.")]


@projects_app.command("restrict")
def projects_restrict(
    key: Annotated[str, typer.Argument(help="The project's key (or id).")],
    off: Annotated[bool, typer.Option("--off", help="Open the project to everyone again.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Restrict a project to its members (and admins), or open it again with --off."""
    run_as_operator(pc.RestrictProject(project=key, restricted=not off))
    state = "open" if off else "restricted"
    report(as_json, f"project {key.upper()} is {state}", project=key.upper(), restricted=not off)


@members_app.command("add")
def members_add(
    key: Annotated[str, typer.Argument(help="The project's key (or id).")],
    email: Annotated[str, typer.Argument(help="The user's email.")],
    admin: Annotated[bool, typer.Option("--admin", help="Make them an admin of the project.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Add a member to a project, or change their role."""
    try:
        user = UserRef.of_email(email, "user")
    except DomainError as exc:
        fail(describe(exc))
    run_as_operator(pc.AddProjectMember(project=key, user=user, admin=admin))
    role = "admin" if admin else "member"
    sentence = f"{user.email} is {'an admin' if admin else 'a member'} of project {key.upper()}"
    report(as_json, sentence, project=key.upper(), email=user.email, role=role)


@members_app.command("remove")
def members_remove(
    key: Annotated[str, typer.Argument(help="The project's key (or id).")],
    email: Annotated[str, typer.Argument(help="The user's email.")],
    as_json: JsonFlag = False,
) -> None:
    """Remove a member from a project."""
    try:
        user = UserRef.of_email(email, "user")
    except DomainError as exc:
        fail(describe(exc))
    run_as_operator(pc.RemoveProjectMember(project=key, user=user))
    sentence = f"{user.email} is no longer a member of project {key.upper()}"
    report(as_json, sentence, project=key.upper(), email=user.email, role=None)


def main() -> None:
    app()
