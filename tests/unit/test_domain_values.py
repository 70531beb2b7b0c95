"""Parsing and validating the domain's values: references, reasons, projects, users, scopes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef, parse_uuid
from casedesk.domain.projects.project import NAME_MAX, Project, clean_handle, clean_key, clean_name
from casedesk.domain.users import Principal, User, clean_email
from casedesk.domain.vocab import CaseStatus, Priority, ResolvedReason, Scope

T0 = datetime(2030, 1, 1, tzinfo=UTC)
ACTOR = uuid.uuid4()

# -- resolved reasons ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("FALSE_POSITIVE", ResolvedReason.FALSE_POSITIVE),
        ("false positive", ResolvedReason.FALSE_POSITIVE),
        ("False-Positive", ResolvedReason.FALSE_POSITIVE),
        ("  false   positive ", ResolvedReason.FALSE_POSITIVE),
        ("One-Time Exception", ResolvedReason.ONE_TIME_EXCEPTION),
        ("testing", ResolvedReason.TESTING),
        ("true_positive", ResolvedReason.TRUE_POSITIVE),
        ("Benign Positive", ResolvedReason.BENIGN_POSITIVE),
    ],
)
def test_resolved_reason_accepts_the_products_wording(text: str, reason: ResolvedReason) -> None:
    assert ResolvedReason.parse(text) is reason


@pytest.mark.parametrize("text", ["", "   ", "BORED", "positive", "FALSE_POSITIVES", "false.positive"])
def test_unknown_resolved_reasons_parse_to_none(text: str) -> None:
    assert ResolvedReason.parse(text) is None


# -- case references ----------------------------------------------------------------------


def test_case_ref_by_uuid() -> None:
    case_id = uuid.uuid4()
    ref = CaseRef.parse(f" {case_id} ")
    assert ref == CaseRef(id=case_id)
    assert ref.key is None
    assert str(ref) == str(case_id)
    assert CaseRef.parse(case_id.hex).id == case_id


@pytest.mark.parametrize(
    ("text", "key"),
    [("SEC-12", "SEC-12"), ("sec-12", "SEC-12"), ("A-1", "A-1"), ("P1A2B3C4D5-999", "P1A2B3C4D5-999")],
)
def test_case_ref_by_key(text: str, key: str) -> None:
    ref = CaseRef.parse(text)
    assert ref == CaseRef(key=key)
    assert str(ref) == key


@pytest.mark.parametrize(
    "text", ["", "SEC", "SEC-", "SEC-0", "SEC-01", "1SEC-1", "SEC_1", "ABCDEFGHIJK-1", "SEC-1-2", "SEC 1"]
)
def test_malformed_case_refs_are_refused(text: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        CaseRef.parse(text)
    assert refused.value.field == "case_id"
    assert "SEC-12" in refused.value.message


def test_case_ref_names_the_field_it_came_from() -> None:
    with pytest.raises(ValidationFailed) as refused:
        CaseRef.parse("nope", field="entity_id")
    assert refused.value.field == "entity_id"


def test_parse_uuid() -> None:
    value = uuid.uuid4()
    assert parse_uuid(f"  {value}\n", "user_id") == value
    with pytest.raises(ValidationFailed) as refused:
        parse_uuid("12", "user_id")
    assert refused.value.field == "user_id"
    assert refused.value.message == "'12' is not a UUID"


# -- projects -----------------------------------------------------------------------------


def test_project_create_normalises_key_and_derives_handle() -> None:
    project = Project.create(name=" Security ", key=" sec1 ", handle=None, actor=ACTOR, now=T0)
    assert (project.name, project.key, project.handle) == ("Security", "SEC1", "sec1")
    assert project.member_ids == [ACTOR]
    assert project.created_by == ACTOR
    assert project.created_at == project.modified_at == T0
    assert project.deleted_at is None
    assert project.case_key(12) == "SEC1-12"


def test_project_create_takes_an_explicit_handle() -> None:
    project = Project.create(name="Sec", key="SEC", handle="Security-Team", actor=ACTOR, now=T0)
    assert project.handle == "security-team"


@pytest.mark.parametrize("key", ["A", "SEC", "s3c", "ABCDEFGHIJ"])
def test_good_keys(key: str) -> None:
    assert clean_key(key) == key.upper()


@pytest.mark.parametrize("key", ["", "  ", "1ABC", "ABCDEFGHIJK", "SE C", "SEC-1", "SÉC", "_SEC"])
def test_bad_keys(key: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        clean_key(key)
    assert refused.value.field == "key"


@pytest.mark.parametrize("handle", ["sec", "security-team", "sec_ops", "9lives", "x" * 63])
def test_good_handles(handle: str) -> None:
    assert clean_handle(handle.upper()) == handle


@pytest.mark.parametrize("handle", ["", "-sec", "_sec", "sec team", "sec.team", "x" * 64, "@sec"])
def test_bad_handles(handle: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        clean_handle(handle)
    assert refused.value.field == "handle"


def test_project_names() -> None:
    assert clean_name("x" * NAME_MAX) == "x" * NAME_MAX
    for bad in ("", "  ", "x" * (NAME_MAX + 1)):
        with pytest.raises(ValidationFailed) as refused:
            clean_name(bad)
        assert refused.value.field == "name"


def test_project_key_is_checked_before_the_handle() -> None:
    with pytest.raises(ValidationFailed) as refused:
        Project.create(name="X", key="1X", handle="bad handle", actor=ACTOR, now=T0)
    assert refused.value.field == "key"


# -- users and principals -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "email"),
    [("Jane@Example.COM", "jane@example.com"), ("  a.b+c@d.co  ", "a.b+c@d.co")],
)
def test_good_emails(text: str, email: str) -> None:
    assert clean_email(text) == email


@pytest.mark.parametrize(
    "text",
    [
        "",
        "jane",
        "jane@",
        "@example.com",
        "jane@example",
        "ja ne@example.com",
        "a@b@c.com",
        "a@" + "b" * 250 + ".com",
    ],
)
def test_bad_emails(text: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        clean_email(text)
    assert refused.value.field == "email"


def test_user_create() -> None:
    user = User.create(email="Jane.Doe@Example.com", name="  ", title=None, now=T0)
    assert user.email == user.handle == "jane.doe@example.com"
    assert user.name == "jane.doe"
    assert not user.disabled
    named = User.create(email="x@example.com", name=" X Y ", title="SRE", now=T0)
    assert (named.name, named.title) == ("X Y", "SRE")

    user.disable(T0)
    assert user.disabled
    assert user.modified_at == T0


@pytest.mark.parametrize(
    ("granted", "asked", "allowed"),
    [
        ({Scope.CASES_READ}, Scope.CASES_READ, True),
        ({Scope.CASES_READ}, Scope.CASES_WRITE, False),
        ({Scope.CASES_WRITE}, Scope.CASES_READ, True),
        ({Scope.CASES_WRITE}, Scope.INCIDENT_READ, False),
        ({Scope.INCIDENT_WRITE}, Scope.INCIDENT_READ, True),
        ({Scope.INCIDENT_READ}, Scope.INCIDENT_WRITE, False),
        ({Scope.USER_ACCESS_MANAGE}, Scope.USER_ACCESS_READ, True),
        ({Scope.USER_ACCESS_MANAGE}, Scope.USER_ACCESS_INVITE, True),
        ({Scope.USER_ACCESS_INVITE}, Scope.USER_ACCESS_MANAGE, False),
        ({Scope.USER_ACCESS_INVITE}, Scope.USER_ACCESS_READ, False),
        ({Scope.INCIDENT_SETTINGS_WRITE}, Scope.INCIDENT_WRITE, False),
        (set(), Scope.CASES_READ, False),
    ],
)
def test_scope_implication(granted: set[Scope], asked: Scope, allowed: bool) -> None:
    who = Principal(user_id=ACTOR, email="a@example.com", scopes=frozenset(granted))
    assert who.has(asked) is allowed


def test_every_scope_grants_everything() -> None:
    who = Principal(user_id=ACTOR, email="a@example.com", scopes=Scope.all())
    assert all(who.has(scope) for scope in Scope)


# -- vocabulary ---------------------------------------------------------------------------


def test_priority_urgency_sorts_p1_first() -> None:
    ordered = sorted(Priority, key=lambda p: p.urgency, reverse=True)
    assert ordered == [Priority.P1, Priority.P2, Priority.P3, Priority.P4, Priority.P5, Priority.NOT_DEFINED]


def test_status_groups_and_names() -> None:
    assert [s.group for s in CaseStatus] == ["SG_OPEN", "SG_IN_PROGRESS", "SG_CLOSED"]
    assert [s.display_name for s in CaseStatus] == ["Open", "In Progress", "Closed"]
    assert sorted(CaseStatus, key=lambda s: s.sort_rank) == [
        CaseStatus.OPEN,
        CaseStatus.IN_PROGRESS,
        CaseStatus.CLOSED,
    ]
