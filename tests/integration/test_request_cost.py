"""What one HTTP request costs the database, a promise: one pool checkout per request; a case
creation in at most two transactions (authentication with the command, then the read-back,
which a plain creation on PostgreSQL does without), a search in one; the connection is back
in the pool before the answer arrives, with no transaction left open. The app runs in this
process (under uvicorn, over real HTTP, driven by the official client) so that the engine's
events can be counted."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from datadog_api_client import ApiClient, Configuration
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from sqlalchemy import event

from casedesk.bootstrap import Container
from casedesk.domain import users as uc
from casedesk.domain.users import IssuedKeys, Principal
from casedesk.domain.vocab import Scope
from casedesk.entrypoints.http.app import create_app
from casedesk.services.ports.access import Visibility
from tests.api import dd
from tests.support import backend, serving_in_thread


@dataclass
class Tally:
    checkouts: int = 0
    begins: int = 0
    commits: int = 0
    rollbacks: int = 0
    statements: int = 0  # BEGIN not counted
    # The BEGIN statements SQLite was sent (engine.py sends them; PostgreSQL's are implicit).
    sqlite_begins: list[str] = field(default_factory=list)


class Counter:
    """Listens to an engine's pool checkouts and transactions."""

    EVENTS = ("checkout", "begin", "commit", "rollback", "before_cursor_execute")

    def __init__(self, db: Container) -> None:
        self.db = db
        self.tally = Tally()

    def on_checkout(self, *_: Any) -> None:
        self.tally.checkouts += 1

    def on_begin(self, _conn: Any) -> None:
        self.tally.begins += 1

    def on_commit(self, _conn: Any) -> None:
        self.tally.commits += 1

    def on_rollback(self, _conn: Any) -> None:
        self.tally.rollbacks += 1

    def on_before_cursor_execute(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("BEGIN"):
            self.tally.sqlite_begins.append(statement)
        else:
            self.tally.statements += 1

    def __enter__(self) -> Counter:
        for name in self.EVENTS:
            event.listen(self.db.engine, name, getattr(self, f"on_{name}"))
        return self

    def __exit__(self, *_: object) -> None:
        for name in self.EVENTS:
            event.remove(self.db.engine, name, getattr(self, f"on_{name}"))

    def take(self) -> Tally:
        tally, self.tally = self.tally, Tally()
        return tally


@pytest.fixture(scope="module")
def base_url(db: Container) -> Iterator[str]:
    with serving_in_thread(create_app(db)) as url:
        yield url


def issue_keys(db: Container, scopes: frozenset[Scope]) -> IssuedKeys:
    email = f"cost.{uuid.uuid4().hex[:8]}@example.com"
    db.bus.handle(uc.CreateUser(email=email, name="Cost"), Principal.operator())
    keys: IssuedKeys = db.bus.handle(uc.CreateKeys(user_email=email, scopes=scopes), Principal.operator())
    return keys


@pytest.fixture(scope="module")
def keys(db: Container) -> IssuedKeys:
    return issue_keys(db, Scope.all())


@pytest.fixture(scope="module")
def cases_api(base_url: str, keys: IssuedKeys) -> Iterator[CaseManagementApi]:
    config = Configuration(host=base_url)
    config.api_key["apiKeyAuth"] = keys.api_key
    config.api_key["appKeyAuth"] = keys.app_key
    with ApiClient(config) as client:
        yield CaseManagementApi(client)


@pytest.fixture
def counter(db: Container) -> Iterator[Counter]:
    with Counter(db) as listening:
        yield listening


def measured(db: Container, counter: Counter, send: Any) -> Tally:
    """Sends once unmeasured (a new pooled connection may run set-up queries), then once
    measured; the connection must already be back when the answer has arrived."""
    send()
    counter.take()
    send()
    assert db.engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    return counter.take()


def test_a_case_creation_is_one_checkout_and_at_most_two_transactions(
    db: Container, counter: Counter, cases_api: CaseManagementApi, project_id: uuid.UUID
) -> None:
    tally = measured(db, counter, lambda: dd.create_case(cases_api, str(project_id), "Disk full"))
    assert tally.checkouts == 1
    if backend() == "sqlite":
        # Authentication and the command share one transaction; the read-back is the second.
        assert (tally.begins, tally.commits, tally.rollbacks) == (2, 1, 1)
        # The first one writes, so it takes SQLite's write lock before authentication reads.
        assert tally.sqlite_begins == ["BEGIN IMMEDIATE", "BEGIN"]
    else:
        # A plain creation's statement returns the case as written: no read-back.
        assert (tally.begins, tally.commits, tally.rollbacks) == (1, 1, 0)


def test_a_creation_with_side_rows_reads_the_case_back(
    db: Container, counter: Counter, cases_api: CaseManagementApi, project_id: uuid.UUID
) -> None:
    """A creation written by more than one statement (here an assignee's row) is read back."""
    assignee = str(issue_keys(db, frozenset({Scope.CASES_READ})).user_id)
    create = lambda: dd.create_case(cases_api, str(project_id), "Assigned", assignee_id=assignee)  # noqa: E731
    tally = measured(db, counter, create)
    assert (tally.checkouts, tally.begins, tally.commits, tally.rollbacks) == (1, 2, 1, 1)


def test_a_search_is_one_checkout_and_one_transaction(
    db: Container, counter: Counter, cases_api: CaseManagementApi, project_id: uuid.UUID
) -> None:
    dd.create_case(cases_api, str(project_id), "Needle in a haystack")
    tally = measured(db, counter, lambda: cases_api.search_cases(filter="needle", page_size=25))
    assert tally.checkouts == 1
    assert (tally.begins, tally.commits, tally.rollbacks) == (1, 0, 1)
    if backend() == "sqlite":
        assert tally.sqlite_begins == ["BEGIN"]
    # The key, the caller's hidden projects, the count and the page: the page reads with each
    # case its users and whether it has insights (none has, so there is no query of them).
    assert tally.statements == 4


def test_the_tines_dialect_costs_the_same(
    db: Container, counter: Counter, base_url: str, keys: IssuedKeys, project_id: uuid.UUID
) -> None:
    team = db.read.project(Visibility.everything(), project_id).number
    headers = {"Authorization": f"Bearer {keys.app_key}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as tines:

        def create() -> None:
            answer = tines.post("/api/v1/cases", json={"name": "Disk full", "team_id": team})
            assert answer.status_code == 201, answer.text

        def listing() -> None:
            answer = tines.get("/api/v1/cases", params={"per_page": 10})
            assert answer.status_code == 200, answer.text

        created = measured(db, counter, create)
        listed = measured(db, counter, listing)
    assert (created.checkouts, created.begins, created.commits) == (1, 2, 1)
    assert (listed.checkouts, listed.begins, listed.commits) == (1, 1, 0)


@pytest.mark.parametrize("refusal", ["unknown-key", "missing-scope"])
def test_a_refused_request_leaves_nothing_open(
    db: Container, counter: Counter, base_url: str, project_id: uuid.UUID, refusal: str
) -> None:
    reader = issue_keys(db, frozenset({Scope.CASES_READ}))
    app_key = "0" * 40 if refusal == "unknown-key" else reader.app_key
    body = dd.create_request(str(project_id), "Refused").to_dict()
    headers = {"DD-API-KEY": reader.api_key, "DD-APPLICATION-KEY": app_key}
    with httpx.Client(base_url=base_url, headers=headers, timeout=30) as client:

        def create() -> None:
            answer = client.post("/api/v2/cases", json=body)
            assert answer.status_code == (401 if refusal == "unknown-key" else 403), answer.text

        tally = measured(db, counter, create)
    assert (tally.checkouts, tally.begins, tally.commits, tally.rollbacks) == (1, 1, 0, 1)


@pytest.mark.postgresql  # SQLite serialises writers at BEGIN IMMEDIATE
def test_a_plain_creation_locks_its_project_for_one_statement_and_the_commit(
    db: Container, cases_api: CaseManagementApi, project_id: uuid.UUID
) -> None:
    """The project's numbering is locked from the statement that takes it to the COMMIT;
    other creations in the project wait meanwhile, so a plain creation sends nothing else."""
    sent: list[str] = []

    def on_statement(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append(statement)

    def on_commit(_conn: Any) -> None:
        sent.append("COMMIT")

    dd.create_case(cases_api, str(project_id), "Warm-up")
    event.listen(db.engine, "before_cursor_execute", on_statement)
    event.listen(db.engine, "commit", on_commit)
    try:
        dd.create_case(cases_api, str(project_id), "Disk full")
    finally:
        event.remove(db.engine, "before_cursor_execute", on_statement)
        event.remove(db.engine, "commit", on_commit)
    locking = [i for i, statement in enumerate(sent) if "UPDATE projects SET last_case_number" in statement]
    assert len(locking) == 1
    assert sent[locking[0] + 1] == "COMMIT"
    assert "INSERT INTO cases" in sent[locking[0]]
    assert "INSERT INTO outbox" in sent[locking[0]]
