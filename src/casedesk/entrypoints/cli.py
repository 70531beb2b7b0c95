"""The `casedesk` command line: serve, migrate, init, users, keys, project access and the
audit log; the worker and the delivery log are in entrypoints/worker.py, notification
channels in `channels_cli.py`."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

import typer

from casedesk.bootstrap import bootstrap
from casedesk.domain import users as uc
from casedesk.domain.audit import AuditAction
from casedesk.domain.commands import Command
from casedesk.domain.errors import DomainError, NotFound
from casedesk.domain.ids import UserRef, parse_uuid
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import IssuedKeys, Principal, Role, clean_email
from casedesk.domain.vocab import Scope
from casedesk.entrypoints import channels_cli
from casedesk.entrypoints import worker as worker_cli
from casedesk.entrypoints.worker_run import WorkerRun

app = typer.Typer(help="casedesk: self-hosted case and incident management.", no_args_is_help=True)
users_app = typer.Typer(help="Manage users.", no_args_is_help=True)
keys_app = typer.Typer(help="Manage API and application keys.", no_args_is_help=True)
app.add_typer(users_app, name="users")
audit_app = typer.Typer(help="Read the audit log.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")
projects_app = typer.Typer(help="Manage who may see projects.", no_args_is_help=True)
members_app = typer.Typer(help="Manage a project's members.", no_args_is_help=True)
app.add_typer(projects_app, name="projects")
projects_app.add_typer(members_app, name="members")
worker_cli.register(app)


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


def print_keys(keys: IssuedKeys, as_json: bool, *, with_user: bool = False) -> None:
    """`--json` prints `{"id", "api_key", "app_key", "scopes"}` (`id`: the application key's,
    as `keys list` and `keys revoke` name it), with `user_id` first when `with_user`."""
    if as_json:
        issued = {
            **({"user_id": str(keys.user_id)} if with_user else {}),
            "id": str(keys.key_id),
            "api_key": keys.api_key,
            "app_key": keys.app_key,
            "scopes": sorted(s.value for s in keys.scopes),
        }
        typer.echo(json.dumps(issued))
    else:
        typer.echo(f"user id:         {keys.user_id}")
        typer.echo(f"key id:          {keys.key_id}")
        typer.echo(f"API key:         {keys.api_key}")
        typer.echo(f"application key: {keys.app_key}")
        typer.echo(f"scopes:          {', '.join(sorted(s.value for s in keys.scopes))}")
        typer.echo("Keep these keys: casedesk stores only their hashes.")


def iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def parse_role(text: str) -> Role:
    try:
        return Role(text.strip().lower())
    except ValueError:
        fail(f"unknown role {text!r}; roles: {', '.join(r.value for r in Role)}")
        raise  # unreachable: fail exits


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(help="HTTP worker processes.")] = 1,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="Send no notifications (run `casedesk worker` instead).")
    ] = False,
    metrics_port: worker_cli.MetricsPort = None,
    metrics_host: worker_cli.MetricsHost = None,
) -> None:
    """Migrate the database if needed and serve the HTTP API, with a delivery worker in the
    same process unless --no-worker. With --workers N the delivery worker runs in the parent
    process, whose metrics no HTTP process shows: --metrics-port serves them."""
    container = bootstrap(migrate=True)
    wanted_port = container.settings.worker_metrics_port if metrics_port is None else metrics_port
    if no_worker and metrics_port is not None:
        container.close()
        fail("--metrics-port serves the delivery worker's metrics; it does not go with --no-worker")
    application = None
    if workers == 1:
        from casedesk.entrypoints.http.app import create_app

        application = create_app(container)
    # One process: the worker reports to the application's /metrics. Several: the parent's
    # worker reports to a registry of its own, served on --metrics-port when one is given.
    telemetry = application.state.telemetry if application is not None else None
    if telemetry is None and wanted_port is not None and not no_worker:
        telemetry = container.worker_telemetry()
    server = None
    if telemetry is not None and wanted_port is not None and not no_worker:
        server = worker_cli.open_metrics(container, telemetry, metrics_host, wanted_port)
    metrics = telemetry.deliveries if telemetry is not None else None
    stop_worker = None if no_worker else WorkerRun(container.worker(metrics=metrics)).start_thread()
    try:
        serve_http(host, port, workers, application)
    finally:
        if stop_worker is not None:
            stop_worker()
        if server is not None:
            server.close()
        container.close()


def serve_http(host: str, port: int, workers: int, application: Any = None) -> None:
    """Serves `application` in this process, or with `workers` > 1 one application per
    worker process (each its own container)."""
    import uvicorn

    from casedesk.entrypoints.http.serving import SERVER_OPTIONS

    if application is not None:
        uvicorn.run(application, host=host, port=port, **SERVER_OPTIONS)
    elif workers > 1:
        uvicorn.run(
            "casedesk.entrypoints.http.asgi:create",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            **SERVER_OPTIONS,
        )
    else:
        from casedesk.entrypoints.http.app import create_app

        uvicorn.run(create_app(bootstrap()), host=host, port=port, **SERVER_OPTIONS)


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
    keys; a user of that email who is not an admin is made one)."""
    container = bootstrap(migrate=True)
    try:
        with container.uow() as uow:
            existing = uow.users.find_by_email(clean_email(admin_email))
        if existing is None:
            container.bus.handle(
                uc.CreateUser(email=admin_email, name=name, role=Role.ADMIN), Principal.operator()
            )
        elif existing.role is not Role.ADMIN:
            container.bus.handle(uc.SetUserRole(existing.id, Role.ADMIN), Principal.operator())
        keys = container.bus.handle(
            uc.CreateKeys(user_email=admin_email, scopes=Scope.default(), name="init"), Principal.operator()
        )
    except DomainError as exc:
        fail(describe(exc))
    finally:
        container.close()
    print_keys(keys, as_json, with_user=True)


@users_app.command("create")
def users_create(
    email: Annotated[str, typer.Option(help="The user's email.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    title: Annotated[str | None, typer.Option(help="Job title.")] = None,
    role: Annotated[str, typer.Option(help="admin, standard or read_only.")] = Role.STANDARD.value,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create a user."""
    wanted = parse_role(role)
    container = bootstrap(migrate=True)
    try:
        user_id = container.bus.handle(
            uc.CreateUser(email=email, name=name, title=title, role=wanted), Principal.operator()
        )
    except DomainError as exc:
        fail(describe(exc))
    finally:
        container.close()
    # Echo the address as stored (lower-cased), which is what `keys create --user` matches.
    stored = clean_email(email)
    created = {"user_id": str(user_id), "email": stored, "role": wanted.value}
    typer.echo(json.dumps(created) if as_json else f"user id: {user_id}")


def change_user(email: str, command: Callable[[uuid.UUID], Command[uuid.UUID]], done: str) -> None:
    """Sends `command` for the user with `email`, as the operator, and says it is `done`."""
    container = bootstrap(migrate=True)
    try:
        user = container.identity.user_by_email(email)
        container.bus.handle(command(user.id), Principal.operator())
    except DomainError as exc:
        fail(describe(exc))
    finally:
        container.close()
    typer.echo(f"{user.email} {done}")


@users_app.command("set-role")
def users_set_role(
    email: Annotated[str, typer.Argument(help="The user's email.")],
    role: Annotated[str, typer.Argument(help="admin, standard or read_only.")],
) -> None:
    """Give a user another role (the last active admin keeps theirs)."""
    wanted = parse_role(role)
    change_user(email, lambda user_id: uc.SetUserRole(user_id, wanted), f"now has the role {wanted.value}")


@users_app.command("disable")
def users_disable(email: Annotated[str, typer.Argument(help="The user's email.")]) -> None:
    """Disable a user: their keys are refused from the next request on."""
    change_user(email, uc.DisableUser, "is disabled")


@users_app.command("enable")
def users_enable(email: Annotated[str, typer.Argument(help="The user's email.")]) -> None:
    """Enable a disabled user again: their keys that are not revoked work again."""
    change_user(email, uc.EnableUser, "is enabled")


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


@keys_app.command("list")
def keys_list(
    user: Annotated[str | None, typer.Option(help="Only this user's keys (an email).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON list.")] = False,
) -> None:
    """List application keys, revoked ones too (never their secrets)."""
    container = bootstrap(migrate=True)
    try:
        owner = None if user is None else container.identity.user_by_email(user).id
        keys = container.identity.app_keys(owner)
    except DomainError as exc:
        fail(describe(exc))
    finally:
        container.close()
    listed = [
        {
            "id": str(key.id),
            "user": key.user_email,
            "scopes": sorted(s.value for s in key.scopes),
            "created_at": iso(key.created_at),
            "last_used_at": iso(key.last_used_at),
            "revoked_at": iso(key.revoked_at),
        }
        for key in keys
    ]
    if as_json:
        typer.echo(json.dumps(listed))
        return
    for key in keys:
        when = (
            f"revoked {iso(key.revoked_at)}"
            if key.revoked_at
            else f"last used {iso(key.last_used_at) or 'never'}"
        )
        typer.echo(
            f"{key.id}  {key.user_email}  {key.name}  {when}  {','.join(sorted(s.value for s in key.scopes))}"
        )


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The application key's id.")]) -> None:
    """Revoke an application key: it is refused from the next request on (revoking it again
    changes nothing)."""
    container = bootstrap(migrate=True)
    try:
        container.bus.handle(uc.RevokeAppKey(parse_uuid(key_id, "id")), Principal.operator())
    except DomainError as exc:
        fail(describe(exc))
    finally:
        container.close()
    typer.echo(f"application key {key_id} is revoked")


@audit_app.command("list")
def audit_list(
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many entries, newest first.")] = 50,
    action: Annotated[str | None, typer.Option(help="Only this action, e.g. user.role_changed.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON list.")] = False,
) -> None:
    """The audit log of administrative actions, newest first."""
    wanted = None
    if action is not None:
        try:
            wanted = AuditAction(action)
        except ValueError:
            fail(f"unknown action {action!r}; actions: {', '.join(a.value for a in AuditAction)}")
    container = bootstrap(migrate=True)
    try:
        entries = container.identity.audit_entries(limit=limit, action=wanted)
    finally:
        container.close()
    listed = [
        {
            "id": str(entry.id),
            "occurred_at": iso(entry.occurred_at),
            "actor": entry.actor_email,
            "actor_id": None if entry.actor_id is None else str(entry.actor_id),
            "key_id": None if entry.key_id is None else str(entry.key_id),
            "action": entry.action.value,
            "target_type": entry.target_type,
            "target_id": entry.target_id,
            "data": entry.data,
        }
        for entry in entries
    ]
    if as_json:
        typer.echo(json.dumps(listed))
        return
    for item in listed:
        typer.echo(
            f"{item['occurred_at']}  {item['actor']}  {item['action']}  "
            f"{item['target_type']} {item['target_id']}  {json.dumps(item['data'])}"
        )


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


channels_cli.register(app)


def main() -> None:
    app()
