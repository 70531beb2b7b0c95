"""Planning case events over real changes made through the bus: case notification rules,
personal notifications, one delivery per destination, maintenance windows."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event

from casedesk.bootstrap import Container
from casedesk.domain import maintenance as mc
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.cases.notification_rules import (
    RuleChanges,
    UpdateCaseNotificationRule,
)
from casedesk.domain.cases.rules import (
    CaseTrigger,
    CaseTriggerData,
    CaseTriggerType,
    ChangeType,
    Recipient,
    RecipientData,
    RecipientType,
)
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.notifications.destinations import ChannelKind
from casedesk.domain.notifications.notices import CASE_FIELDS, NoticeReason, PageAction
from casedesk.domain.projects import commands as pc
from casedesk.domain.projects.settings import NotificationSettings, ProjectSettings
from casedesk.domain.users import Principal, Role
from casedesk.domain.vocab import CaseStatus, Priority
from casedesk.services.bus import MessageBus
from tests.integration.helpers import NOW, new_key
from tests.integration.services.planning import (
    CREATED,
    EMAIL,
    SLACK,
    last_seq,
    messages,
    new_case,
    personal,
    planned,
    rule,
    targets,
    user,
)


@pytest.fixture
def project(bus: MessageBus, admin: Principal) -> uuid.UUID:
    created: uuid.UUID = bus.handle(pc.CreateProject(name="Security", key=new_key()), admin)
    return created


# -- case notification rules -------------------------------------------------------------


def test_a_created_case_notifies_every_recipient_of_a_matching_rule(
    db: Container, bus: MessageBus, admin: Principal, project: uuid.UUID
) -> None:
    recipients = (
        EMAIL,
        SLACK,
        Recipient(RecipientType.MS_TEAMS_CHANNEL, RecipientData(connector_name="war-room")),
        Recipient(RecipientType.PAGERDUTY_SERVICE, RecipientData(service_name="db")),
        Recipient(RecipientType.HTTP, RecipientData(name="siem")),
    )
    rule_id = rule(bus, admin, project, recipients=recipients)
    case_id = new_case(bus, admin, project, title="Disk full on db-1", priority=Priority.P2)
    plans = planned(db, case_id)
    [created] = [plans["case.created"]]
    assert [(p.kind, p.name) for p in created] == [
        (ChannelKind.EMAIL, "oncall@example.com"),
        (ChannelKind.SLACK, "acme/alerts"),
        (ChannelKind.TEAMS, "war-room"),
        (ChannelKind.PAGERDUTY, "db"),
        (ChannelKind.WEBHOOK, "siem"),
    ]
    notice = created[0].notice
    key = notice.subject["key"]
    assert notice.title == f"[{key}] Disk full on db-1"
    assert notice.headline == f"Admin created {key}: Disk full on db-1"
    assert notice.url == f"{db.settings.base_url}/cases/{key}" == notice.subject["url"]
    assert set(notice.subject) == set(CASE_FIELDS)
    assert (notice.subject["status"], notice.subject["priority"]) == ("Open", "P2")
    assert notice.subject["project"]["id"] == str(project)
    assert notice.subject["type"] == "Standard"
    assert (notice.reason, notice.rule_id, notice.page) == (
        NoticeReason.RULE,
        str(rule_id),
        PageAction.TRIGGER,
    )
    assert notice.actor == "Admin"
    assert all(p.suppressed_by is None for p in created)
    assert type(notice).from_json(notice.to_json()) == notice  # JSON-safe, stored with the delivery
    # The rule's trigger is CASE_CREATED: nothing else about the case notifies.
    bus.handle(c.ChangeCasePriority(CaseRef(id=case_id), Priority.P1), admin)
    assert all(not p for kind, p in planned(db, case_id).items() if kind != "case.created")


def test_status_transitions_fire_from_and_to_and_page_accordingly(
    db: Container, bus: MessageBus, admin: Principal, project: uuid.UUID
) -> None:
    to_closed = CaseTrigger(CaseTriggerType.STATUS_TRANSITIONED, CaseTriggerData(to_status_name="closed"))
    from_open = CaseTrigger(CaseTriggerType.STATUS_TRANSITIONED, CaseTriggerData(from_status="OPEN"))
    rule(bus, admin, project, to_closed, recipients=(EMAIL,))
    rule(bus, admin, project, from_open, recipients=(SLACK,))
    case_id = new_case(bus, admin, project)
    assert planned(db, case_id).get("case.created") == []

    seq = last_seq(db)
    bus.handle(c.ChangeCaseStatus(CaseRef(id=case_id), CaseStatus.IN_PROGRESS), admin)
    [ack] = planned(db, case_id, seq)["case.status_changed"]
    assert (ack.kind, ack.notice.page) == (ChannelKind.SLACK, PageAction.ACKNOWLEDGE)
    assert "from Open to In Progress" in ack.notice.headline

    seq = last_seq(db)
    bus.handle(c.ChangeCaseStatus(CaseRef(id=case_id), CaseStatus.CLOSED), admin)
    [closed] = planned(db, case_id, seq)["case.status_changed"]
    assert (closed.kind, closed.name, closed.notice.page) == (
        ChannelKind.EMAIL,
        "oncall@example.com",
        PageAction.RESOLVE,
    )


def test_attribute_triggers_name_a_field_and_a_change_type(
    db: Container, bus: MessageBus, admin: Principal, project: uuid.UUID
) -> None:
    def changed(field: str, how: ChangeType | None, name: str) -> None:
        trigger = CaseTrigger(
            CaseTriggerType.ATTRIBUTE_VALUE_CHANGED, CaseTriggerData(field=field, change_type=how)
        )
        rule(
            bus,
            admin,
            project,
            trigger,
            recipients=(Recipient(RecipientType.HTTP, RecipientData(name=name)),),
        )

    changed("priority", ChangeType.CHANGED, "priority-any")
    changed("assignee", ChangeType.ADDED, "assigned")
    changed("assignee", ChangeType.REMOVED, "unassigned")
    changed("tags", ChangeType.ADDED, "tagged")
    changed("env", None, "env")
    case_id = new_case(bus, admin, project, priority=Priority.P3)
    ref = CaseRef(id=case_id)
    someone = user(bus, "Grace")

    def after(command: c.CaseCommand[uuid.UUID]) -> set[str]:
        seq = last_seq(db)
        bus.handle(command, admin)
        return {p.name for plans in planned(db, case_id, seq).values() for p in plans}

    assert after(c.ChangeCasePriority(ref, Priority.P1)) == {"priority-any"}
    assert after(c.AssignCase(ref, UserRef(id=someone.user_id))) == {"assigned"}
    assert after(c.UnassignCase(ref)) == {"unassigned"}
    assert after(c.ChangeCaseTags(ref, add_tags=("db",))) == {"tagged"}
    assert after(c.ChangeCaseTags(ref, remove_tags=("db",))) == set()
    assert after(c.SetCaseAttributes(ref, {"env": ["prod"]})) == {"env"}
    assert after(c.RetitleCase(ref, "Disk fuller")) == set()


def test_a_rule_fires_only_for_cases_its_query_matches_at_that_moment(
    db: Container, bus: MessageBus, admin: Principal, project: uuid.UUID
) -> None:
    any_change = CaseTrigger(CaseTriggerType.ATTRIBUTE_VALUE_CHANGED, CaseTriggerData(field="priority"))
    rule(bus, admin, project, CREATED, any_change, query="priority:P1")
    case_id = new_case(bus, admin, project, priority=Priority.P3)
    assert planned(db, case_id)["case.created"] == []
    seq = last_seq(db)
    bus.handle(c.ChangeCasePriority(CaseRef(id=case_id), Priority.P1), admin)
    [fired] = planned(db, case_id, seq)["case.priority_changed"]
    assert fired.notice.headline.endswith("from P3 to P1")
    # The case as it stands decides, so the earlier event plans the same as before.
    seq = last_seq(db)
    bus.handle(c.ChangeCasePriority(CaseRef(id=case_id), Priority.P2), admin)
    assert planned(db, case_id, seq)["case.priority_changed"] == []


def test_disabled_rules_and_other_projects_rules_stay_quiet(
    db: Container, bus: MessageBus, admin: Principal, project: uuid.UUID
) -> None:
    rule_id = rule(bus, admin, project)
    other: uuid.UUID = bus.handle(pc.CreateProject(name="Other", key=new_key()), admin)
    rule(bus, admin, other, recipients=(SLACK,))
    bus.handle(UpdateCaseNotificationRule(project, rule_id, RuleChanges(is_enabled=False)), admin)
    case_id = new_case(bus, admin, project)
    assert planned(db, case_id)["case.created"] == []
    bus.handle(UpdateCaseNotificationRule(project, rule_id, RuleChanges(is_enabled=True)), admin)
    assert targets(planned(db, case_id)["case.created"]) == [
        (ChannelKind.EMAIL, "oncall@example.com", NoticeReason.RULE)
    ]


# -- personal notifications ----------------------------------------------------------------


def test_the_assignee_is_told_unless_they_assigned_themselves(
    db: Container, bus: MessageBus, admin: Principal, project: uuid.UUID
) -> None:
    personal(bus, admin, project, notify_on_case_assignment=True, notify_on_case_unassignment=True)
    ada, grace = user(bus, "Ada"), user(bus, "Grace")
    case_id = new_case(bus, admin, project, assignees=(UserRef(id=ada.user_id),))
    assert targets(planned(db, case_id)["case.assigned"]) == [
        (ChannelKind.EMAIL, ada.email, NoticeReason.ASSIGNED)
    ]

    seq = last_seq(db)
    bus.handle(c.AssignCase(CaseRef(id=case_id), UserRef(id=grace.user_id)), admin)
    # The new assignee is told of the assignment, the old one of the unassignment.
    plans = planned(db, case_id, seq)
    assert [p.name for p in plans["case.assigned"]] == [grace.email]
    assert [p.name for p in plans["case.assignee_removed"]] == [ada.email]

    seq = last_seq(db)
    bus.handle(c.AssignCase(CaseRef(id=case_id), UserRef(id=ada.user_id)), ada)
    # Ada took the case herself: only Grace, who lost it, hears of it.
    plans = planned(db, case_id, seq)
    assert plans["case.assigned"] == []
    assert [p.name for p in plans["case.assignee_removed"]] == [grace.email]


def test_watchers_hear_of_comments_and_mentioned_users_of_mentions(
    db: Container, bus: MessageBus, admin: Principal, project: uuid.UUID
) -> None:
    personal(bus, admin, project, notify_on_case_comment=True, notify_on_case_comment_mention=True)
    ada, grace, linus = user(bus, "Ada"), user(bus, "Grace"), user(bus, "Linus")
    case_id = new_case(bus, admin, project)
    ref = CaseRef(id=case_id)
    bus.handle(c.WatchCase(ref, UserRef(id=ada.user_id)), admin)
    bus.handle(c.WatchCase(ref, UserRef(id=grace.user_id)), admin)
    seq = last_seq(db)
    bus.handle(c.CommentOnCase(ref, f"Over to you <@user-{linus.user_id}>"), grace)
    plans = planned(db, case_id, seq)
    # Grace wrote it: she is not told about her own comment.
    assert targets(plans["case.commented"]) == [(ChannelKind.EMAIL, ada.email, NoticeReason.WATCHING)]
    # The comment's own words are the notice's text, not the case's description.
    assert plans["case.commented"][0].notice.body == f"Over to you <@user-{linus.user_id}>"
    assert targets(plans["case.users_mentioned"]) == [
        (ChannelKind.EMAIL, linus.email, NoticeReason.MENTIONED)
    ]
    assert plans["case.users_mentioned"][0].notice.headline.startswith("Grace mentioned you in ")


def test_the_author_named_on_behalf_is_not_told_either(
    db: Container, bus: MessageBus, admin: Principal, project: uuid.UUID
) -> None:
    personal(bus, admin, project, notify_on_case_comment=True)
    ada, grace = user(bus, "Ada"), user(bus, "Grace")
    case_id = new_case(bus, admin, project)
    ref = CaseRef(id=case_id)
    for who in (ada, grace):
        bus.handle(c.WatchCase(ref, UserRef(id=who.user_id)), admin)
    seq = last_seq(db)
    relay = user(bus, "Relay", Role.ADMIN)
    bus.handle(c.CommentOnCase(ref, "Fixed", author=UserRef(id=ada.user_id)), relay)
    assert [p.name for p in planned(db, case_id, seq)["case.commented"]] == [grace.email]


def test_nobody_is_told_about_a_case_they_may_not_see_or_while_disabled(
    db: Container, bus: MessageBus, admin: Principal, project: uuid.UUID
) -> None:
    personal(bus, admin, project, notify_on_case_priority_change=True)
    member, outsider, gone, boss = (
        user(bus, "Member"),
        user(bus, "Outsider"),
        user(bus, "Gone"),
        user(bus, "Boss", Role.ADMIN),
    )
    case_id = new_case(bus, admin, project)
    ref = CaseRef(id=case_id)
    for who in (member, outsider, gone, boss):
        bus.handle(c.WatchCase(ref, UserRef(id=who.user_id)), admin)
    key = str(project)
    bus.handle(pc.AddProjectMember(key, UserRef(id=member.user_id)), admin)
    bus.handle(pc.AddProjectMember(key, UserRef(id=gone.user_id)), admin)
    bus.handle(pc.RestrictProject(key), admin)
    bus.handle(uc.DisableUser(gone.user_id), Principal.operator())
    seq = last_seq(db)
    bus.handle(c.ChangeCasePriority(ref, Priority.P1), admin)
    # The outsider cannot see the restricted project; the admin sees every project.
    assert {p.name for p in planned(db, case_id, seq)["case.priority_changed"]} == {member.email, boss.email}


def test_personal_notifications_need_the_switch_and_enabled(
    db: Container, bus: MessageBus, admin: Principal, project: uuid.UUID
) -> None:
    ada = user(bus, "Ada")
    case_id = new_case(bus, admin, project, assignees=(UserRef(id=ada.user_id),))
    assert planned(db, case_id)["case.assigned"] == []  # no personal settings at all
    settings = ProjectSettings(
        notification=NotificationSettings(enabled=False, notify_on_case_status_change=True)
    )
    bus.handle(pc.UpdateProject(project, settings=settings), admin)
    seq = last_seq(db)
    bus.handle(c.ChangeCaseStatus(CaseRef(id=case_id), CaseStatus.CLOSED), admin)
    assert planned(db, case_id, seq)["case.status_changed"] == []
    personal(bus, admin, project, notify_on_case_closed=True)
    assert [p.name for p in planned(db, case_id, seq)["case.status_changed"]] == [ada.email]


# -- one delivery per destination --------------------------------------------------------


def test_each_destination_is_planned_once_per_event_with_the_most_personal_reason(
    db: Container, bus: MessageBus, admin: Principal, project: uuid.UUID
) -> None:
    ada = user(bus, "Ada")
    personal(bus, admin, project, notify_on_case_assignment=True)
    assigned = CaseTrigger(CaseTriggerType.ATTRIBUTE_VALUE_CHANGED, CaseTriggerData(field="assignee"))
    shouting = Recipient(RecipientType.EMAIL, RecipientData(email=ada.email.upper()))
    rule(bus, admin, project, assigned, recipients=(SLACK, shouting))
    rule(
        bus,
        admin,
        project,
        assigned,
        recipients=(
            Recipient(RecipientType.SLACK_CHANNEL, RecipientData(workspace="acme", channel="alerts")),
        ),
    )
    case_id = new_case(bus, admin, project, assignees=(UserRef(id=ada.user_id),))
    plans = planned(db, case_id)["case.assigned"]
    assert [(p.kind, p.notice.reason) for p in plans] == [
        (ChannelKind.SLACK, NoticeReason.RULE),
        (ChannelKind.EMAIL, NoticeReason.ASSIGNED),
    ]
    # Planning is deterministic: the same message gives the same plan.
    [message] = [m for m in messages(db, case_id) if m.kind == "case.assigned"]
    assert db.planner.plan(message) == db.planner.plan(message)


# -- maintenance windows -----------------------------------------------------------------


def test_a_matching_window_open_at_the_change_suppresses_its_deliveries(
    db: Container, bus: MessageBus, admin: Principal, project: uuid.UUID
) -> None:
    rule(bus, admin, project, recipients=(EMAIL, SLACK))
    window = mc.CreateMaintenanceWindow(
        "Patching", "priority:P4", NOW - timedelta(hours=1), NOW + timedelta(hours=1)
    )
    window_id = bus.handle(window, admin)
    later = mc.CreateMaintenanceWindow("Later", "*", NOW + timedelta(hours=2), NOW + timedelta(hours=3))
    bus.handle(later, admin)
    quiet = new_case(bus, admin, project, priority=Priority.P4)
    loud = new_case(bus, admin, project, priority=Priority.P1)
    assert [p.suppressed_by for p in planned(db, quiet)["case.created"]] == [str(window_id)] * 2
    assert [p.suppressed_by for p in planned(db, loud)["case.created"]] == [None, None]


def test_planning_a_case_event_costs_a_bounded_number_of_statements(
    db: Container, bus: MessageBus, admin: Principal, project: uuid.UUID
) -> None:
    for n in range(5):
        rule(bus, admin, project, query=f"priority:P{n % 5 + 1}")
    personal(bus, admin, project, notify_on_case_comment=True)
    bus.handle(
        mc.CreateMaintenanceWindow("Now", "tags:quiet", NOW - timedelta(hours=1), NOW + timedelta(hours=1)),
        admin,
    )
    case_id = new_case(bus, admin, project, priority=Priority.P1)
    for n in range(3):
        bus.handle(c.WatchCase(CaseRef(id=case_id), UserRef(id=user(bus, f"W{n}").user_id)), admin)
    [message] = [m for m in messages(db, case_id) if m.kind == "case.created"]
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        plans = db.planner.plan(message)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert [p.notice.rule_id is not None for p in plans] == [True]
    # The case, its assignees and insights, project, members, type, watchers, rules, people,
    # the rules' queries, the windows and theirs, and the timeline row: however many rules,
    # watchers and windows there are.
    selects = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    assert len(selects) <= 12, selects
