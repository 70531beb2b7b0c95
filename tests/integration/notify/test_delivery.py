"""Delivery from a recorded change to a real webhook receiver: fan-out, the worker, retries,
dead letters, manual retries, per-case ordering and the recovery flush."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from typer.testing import CliRunner

from casedesk.adapters.db.schema import core as t
from casedesk.adapters.db.schema import deliveries as dt
from casedesk.bootstrap import Container
from casedesk.domain.cases import commands as c
from casedesk.domain.ids import CaseRef
from casedesk.domain.notifications.deliveries import DeliveryState, Trigger
from casedesk.domain.users import Principal
from casedesk.entrypoints import cli
from tests.integration.notify.support import (
    HookPlanner,
    StaticDestinations,
    admin_and_project,
    all_deliveries,
    all_in,
    drain,
    fresh_container,
    running,
    wait_until,
    webhook,
)
from tests.receivers.webhook import Answer, WebhookReceiver, receiving
from tests.support import DatabaseTemplate


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def casedesk(database_url: str, *args: str) -> Ran:
    """The `casedesk` command line, run in this process (the same code as the installed
    script, without paying for a Python start per call)."""
    result = CliRunner().invoke(cli.app, list(args), env={"CASEDESK_DATABASE_URL": database_url})
    return Ran(result.exit_code, result.stdout, result.stderr)


def create_case(db: Container, admin: Principal, project: str, title: str = "Disk full") -> uuid.UUID:
    return db.bus.handle(c.CreateCase(title=title, project=project), admin)


def comment(db: Container, admin: Principal, case_id: uuid.UUID, message: str) -> None:
    db.bus.handle(c.CommentOnCase(case=CaseRef(id=case_id), message=message), admin)


def body_of(receiver: WebhookReceiver, webhook_id: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(receiver.accepted[webhook_id])
    return document


def test_a_created_case_reaches_the_webhook_signed(
    db: Container, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    admin, project = admin_and_project(db)
    case_id = create_case(db, admin, project)

    drain(db.worker(planner=HookPlanner(["ops"]), destinations=hooks))

    [delivery] = all_deliveries(db)
    assert delivery.state is DeliveryState.DELIVERED
    assert delivery.subject_id == case_id
    assert delivery.subject_ref == f"{project}-1"
    [request] = receiver.requests
    assert request.verified
    assert request.webhook_id == delivery.id
    body = body_of(receiver, delivery.id)
    assert body["type"] == "case.created"
    assert body["data"]["subject"]["key"] == f"{project}-1"
    with db.engine.connect() as conn:
        states = set(conn.execute(select(t.outbox.c.state)).scalars())
    assert states == {"done"}


def test_replanning_a_message_creates_nothing_twice(db: Container, hooks: StaticDestinations) -> None:
    admin, project = admin_and_project(db)
    create_case(db, admin, project)
    drain(db.worker(planner=HookPlanner(["ops", "ops"]), destinations=hooks))
    with db.engine.begin() as conn:  # as if the worker died after writing but before settling
        conn.execute(t.outbox.update().values(state="pending", claimed_by=None, claimed_until=None))
    drain(db.worker(planner=HookPlanner(["ops"]), destinations=hooks))
    with db.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(dt.deliveries)).scalar_one() == 1


def test_a_message_that_cannot_be_planned_waits_and_the_others_go_on(
    db: Container, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    admin, project = admin_and_project(db)
    case_id = create_case(db, admin, project)
    comment(db, admin, case_id, "looking")
    drain(db.worker(planner=HookPlanner(["ops"], broken={"case.commented"}), destinations=hooks))

    assert [d.event_kind for d in all_deliveries(db)] == ["case.created"]
    with db.engine.connect() as conn:
        failed = conn.execute(select(t.outbox).where(t.outbox.c.kind == "case.commented")).mappings().one()
    assert failed["state"] == "pending"
    assert failed["attempts"] == 1
    assert "cannot plan case.commented" in failed["last_error"]
    assert len(receiver.accepted) == 1


def test_a_suppressed_delivery_is_recorded_and_never_sent(
    db: Container, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    admin, project = admin_and_project(db)
    create_case(db, admin, project)
    drain(db.worker(planner=HookPlanner(["ops"], suppressed_by="window-1"), destinations=hooks))
    [delivery] = all_deliveries(db)
    assert delivery.state is DeliveryState.SUPPRESSED
    assert delivery.suppressed_by == "window-1"
    assert receiver.requests == []


def test_an_unknown_destination_is_dead_at_once(db: Container, receiver: WebhookReceiver) -> None:
    admin, project = admin_and_project(db)
    create_case(db, admin, project)
    drain(db.worker(planner=HookPlanner(["gone"]), destinations=StaticDestinations()))
    [delivery] = all_deliveries(db)
    assert delivery.state is DeliveryState.DEAD
    assert delivery.last_error == "unknown_destination"


def test_a_permanent_refusal_is_dead_at_once(
    db: Container, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    admin, project = admin_and_project(db)
    create_case(db, admin, project)
    receiver.script(Answer(410, body="gone"))
    drain(db.worker(planner=HookPlanner(["ops"]), destinations=hooks))
    [delivery] = all_deliveries(db)
    assert delivery.state is DeliveryState.DEAD
    assert delivery.last_status == 410
    detail = db.deliveries.delivery(delivery.id)
    [attempt] = detail.attempts
    assert attempt.trigger is Trigger.INITIAL
    assert attempt.snippet == "gone"
    assert attempt.next_attempt_at is None


def test_transient_failures_follow_the_schedule_and_retry_after(
    template: DatabaseTemplate, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    with fresh_container(template, delivery_retry_schedule="50ms,50ms,50ms") as db:
        admin, project = admin_and_project(db)
        create_case(db, admin, project)
        receiver.script(Answer(503), Answer(429, {"Retry-After": "1"}), Answer(500))
        with running(db.worker(planner=HookPlanner(["ops"]), destinations=hooks)):
            receiver.wait_for(lambda r: len(r.accepted) == 1)
            wait_until(lambda: all_in(db, DeliveryState.DELIVERED))
        [delivery] = all_deliveries(db)
        attempts = db.deliveries.delivery(delivery.id).attempts
    assert [a.status for a in attempts] == [503, 429, 500, 200]
    assert [a.trigger for a in attempts] == [Trigger.INITIAL] + [Trigger.SCHEDULED] * 3
    first, throttled, third, _ = attempts
    assert first.next_attempt_at is not None
    assert throttled.next_attempt_at is not None
    # The schedule's 50 ms (±15 %) after the 503; the receiver's one second after the 429.
    assert 0.04 <= (first.next_attempt_at - first.started_at).total_seconds() <= 0.5
    assert (throttled.next_attempt_at - throttled.started_at).total_seconds() >= 1.0
    assert third.next_attempt_at is not None
    assert {r.webhook_id for r in receiver.requests} == {delivery.id}


def test_a_spent_schedule_makes_the_delivery_dead_as_exhausted(
    template: DatabaseTemplate, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    with fresh_container(template, delivery_retry_schedule="10ms,10ms") as db:
        admin, project = admin_and_project(db)
        create_case(db, admin, project)
        receiver.script(Answer(500), Answer(500), Answer(500))
        with running(db.worker(planner=HookPlanner(["ops"]), destinations=hooks)):
            wait_until(lambda: all_in(db, DeliveryState.DEAD))
        [delivery] = all_deliveries(db)
    assert delivery.attempts == 3
    assert delivery.last_error == "exhausted"
    assert receiver.accepted == {}


def test_an_outage_then_500_then_429_loses_nothing_and_duplicates_nothing(
    template: DatabaseTemplate, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    with fresh_container(template, delivery_retry_schedule="100ms,100ms,100ms,100ms,100ms,100ms") as db:
        admin, project = admin_and_project(db)
        receiver.down()
        cases = [create_case(db, admin, project, f"case {i}") for i in range(5)]
        with running(db.worker(planner=HookPlanner(["ops"]), destinations=hooks)):
            wait_until(
                lambda: (
                    len(errors := [d.last_error for d in all_deliveries(db)]) == 5
                    and set(errors) == {"connect_error"}
                )
            )
            receiver.script(Answer(500), Answer(429, {"Retry-After": "0"}))
            receiver.up()
            receiver.wait_for(lambda r: len(r.accepted) == 5)
            wait_until(lambda: all_in(db, DeliveryState.DELIVERED, 5))
        delivered = all_deliveries(db)
    assert {d.subject_id for d in delivered} == set(cases)
    assert set(receiver.accepted) == {d.id for d in delivered}
    assert all(r.verified for r in receiver.requests)
    statuses = [r.answered for r in receiver.requests]
    assert 500 in statuses
    assert 429 in statuses


def test_a_retried_dead_delivery_keeps_its_webhook_id(
    db: Container, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    admin, project = admin_and_project(db)
    create_case(db, admin, project)
    receiver.script(Answer(400, body="bad"))
    drain(db.worker(planner=HookPlanner(["ops"]), destinations=hooks))
    [dead] = all_deliveries(db)
    assert dead.state is DeliveryState.DEAD

    done = casedesk(db.settings.database_url, "deliveries", "retry", dead.id, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"retried": [dead.id]}
    drain(db.worker(planner=HookPlanner(["ops"]), destinations=hooks))

    shown = casedesk(db.settings.database_url, "deliveries", "show", dead.id, "--json")
    detail = json.loads(shown.stdout)
    assert detail["status"] == "delivered"
    assert [(a["attempt"], a["trigger"], a["status"]) for a in detail["attempt_log"]] == [
        (1, "initial", 400),
        (2, "manual", 200),
    ]
    assert [r.webhook_id for r in receiver.requests] == [dead.id, dead.id]
    assert list(receiver.accepted) == [dead.id]


def test_retry_of_every_dead_delivery_and_the_cli_listing(
    db: Container, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    admin, project = admin_and_project(db)
    create_case(db, admin, project, "one")
    create_case(db, admin, project, "two")
    receiver.script(Answer(404), Answer(404))
    drain(db.worker(planner=HookPlanner(["ops"]), destinations=hooks))
    url = db.settings.database_url

    listed = json.loads(casedesk(url, "deliveries", "list", "--status", "dead", "--json").stdout)
    assert len(listed) == 2
    assert json.loads(casedesk(url, "deliveries", "list", "--status", "delivered", "--json").stdout) == []
    one = json.loads(casedesk(url, "deliveries", "list", "--case", f"{project}-1", "--json").stdout)
    assert [d["subject"] for d in one] == [f"{project}-1"]
    unknown = casedesk(url, "deliveries", "list", "--case", "NOPE-1")
    assert unknown.returncode == 1
    assert "case NOPE-1 not found" in unknown.stderr
    bad = casedesk(url, "deliveries", "list", "--status", "lost")
    assert bad.returncode == 1

    retried = json.loads(casedesk(url, "deliveries", "retry", "--dead", "--since", "now-1h", "--json").stdout)
    assert sorted(retried["retried"]) == sorted(d["id"] for d in listed)
    drain(db.worker(planner=HookPlanner(["ops"]), destinations=hooks))
    assert {d.state for d in all_deliveries(db)} == {DeliveryState.DELIVERED}
    assert casedesk(url, "deliveries", "retry", "msg_unknown").returncode == 1


def test_one_destination_hears_about_one_case_in_order(
    template: DatabaseTemplate, receiver: WebhookReceiver, hooks: StaticDestinations
) -> None:
    with fresh_container(template, delivery_retry_schedule="100ms,100ms,100ms") as db:
        admin, project = admin_and_project(db)
        case_id = create_case(db, admin, project)
        for i in range(4):
            comment(db, admin, case_id, f"comment {i}")
        # The first attempt fails: nothing about this case may overtake it.
        receiver.script(Answer(503))
        with running(db.worker(planner=HookPlanner(["ops"]), destinations=hooks, concurrency=8)):
            receiver.wait_for(lambda r: len(r.accepted) == 5)
        kinds = [body_of(receiver, i)["type"] for i in receiver.order]
        comments = [body_of(receiver, i)["data"]["change"].get("message") for i in receiver.order[1:]]
    assert kinds == ["case.created"] + ["case.commented"] * 4
    assert comments == [f"comment {i}" for i in range(4)]
    assert receiver.requests[0].answered == 503


def test_a_destination_that_answers_again_gets_its_waiting_retries_at_once(
    template: DatabaseTemplate, secret: str
) -> None:
    # A long schedule: only the recovery flush can bring the waiting retries back in time.
    with (
        fresh_container(template, delivery_retry_schedule="1h") as db,
        receiving(secret) as flaky,
    ):
        hooks = StaticDestinations()
        hooks.add(webhook("ops", flaky.url, secret))
        admin, project = admin_and_project(db)
        first = create_case(db, admin, project, "first")
        second = create_case(db, admin, project, "second")
        flaky.script(Answer(502), Answer(502))
        drain(db.worker(planner=HookPlanner(["ops"]), destinations=hooks))
        assert {d.state for d in all_deliveries(db)} == {DeliveryState.FAILED}

        third = create_case(db, admin, project, "third")  # new, so due now: it succeeds
        with running(db.worker(planner=HookPlanner(["ops"]), destinations=hooks)):
            flaky.wait_for(lambda r: len(r.accepted) == 3)
        by_case = {d.subject_id: d for d in all_deliveries(db)}
        flushed = [db.deliveries.delivery(by_case[i].id).attempts[-1] for i in (first, second)]
        fresh = db.deliveries.delivery(by_case[third].id).attempts
    assert all(a.trigger is Trigger.RECOVERY and a.status == 200 for a in flushed)
    assert [a.trigger for a in fresh] == [Trigger.INITIAL]
