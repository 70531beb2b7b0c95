"""Visibility through the services: whatever the query, a non-member's search and count
never include a case of a restricted project, and include everything else the admin sees."""

from __future__ import annotations

import random
import uuid

import pytest

from casedesk.bootstrap import Container
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.errors import NotFound
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal, Role
from casedesk.domain.vocab import CaseStatus, Priority, Scope
from casedesk.services import access
from casedesk.services.ports.case_queries import CaseQuery
from casedesk.services.search.cases import parse_case_query
from tests.integration.helpers import NOW


def user(db: Container, name: str, role: Role = Role.STANDARD) -> Principal:
    email = f"{name}@example.com"
    user_id = db.bus.handle(uc.CreateUser(email=email, name=name.title(), role=role), Principal.operator())
    return Principal(user_id=user_id, email=email, scopes=role.allows - {Scope.ACT_ON_BEHALF}, role=role)


def query_texts(rng: random.Random, keys: list[str]) -> list[str]:
    """Queries of every shape search knows, naming the restricted project too."""
    terms = [
        "status:open", "status:closed", "priority:P1", "priority:(P1 OR P3)", "-priority:P2",
        "disk", "db*", "env:prod", "-env:prod", "assignee:none", "-assignee:none",
        *(f"project:{k}" for k in keys), *(f"-project:{k}" for k in keys), "*",
    ]  # fmt: skip
    found = []
    for _ in range(40):
        picked = rng.sample(terms, rng.randint(1, 3))
        found.append(" OR ".join(picked) if rng.random() < 0.3 else " ".join(picked))
    return found


@pytest.fixture
def seeded(db: Container, admin: Principal) -> tuple[set[uuid.UUID], list[str]]:
    """Cases in two open projects and one restricted one; returns the restricted project's
    case ids and the project keys."""
    rng = random.Random(7)
    keys, hidden = ["OPENA", "OPENB", "SECRET"], set()
    for key in keys:
        project = db.bus.handle(pc.CreateProject(name=key.title(), key=key), admin)
        for n in range(12):
            title = rng.choice(["disk full", "db down", "slow page", "dbx alert"]) + f" {n}"
            case_id = db.bus.handle(
                c.CreateCase(
                    project=str(project),
                    title=title,
                    priority=rng.choice(list(Priority)),
                    attributes={"env": [rng.choice(["prod", "dev"])]},
                ),
                admin,
            )
            if rng.random() < 0.3:
                db.bus.handle(c.ChangeCaseStatus(CaseRef(id=case_id), CaseStatus.CLOSED), admin)
            if key == "SECRET":
                hidden.add(case_id)
    db.bus.handle(pc.RestrictProject(project="SECRET"), admin)
    return hidden, keys


def test_a_non_members_search_and_count_are_the_admins_without_the_restricted_project(
    db: Container, admin: Principal, seeded: tuple[set[uuid.UUID], list[str]]
) -> None:
    hidden, keys = seeded
    outsider = user(db, "outsider")
    for text in query_texts(random.Random(11), keys):
        predicate = parse_case_query(text, now=NOW, me=outsider.user_id)
        seen = {
            who.email: {
                d.case.id
                for d in db.read.search_cases(
                    CaseQuery(access.visibility(who), filter=predicate, page_size=1000)
                ).cases
            }
            for who in (admin, outsider)
        }
        assert seen[outsider.email] == seen[admin.email] - hidden, text
        count = db.read.count_cases(access.visibility(outsider), predicate, (), 10)
        assert count.total == len(seen[outsider.email]), text


def test_a_member_sees_the_restricted_project_and_a_non_member_cannot_change_it(
    db: Container, admin: Principal, seeded: tuple[set[uuid.UUID], list[str]]
) -> None:
    hidden, _ = seeded
    member, outsider = user(db, "member"), user(db, "outsider")
    db.bus.handle(pc.AddProjectMember(project="SECRET", user=UserRef(email=member.email)), admin)
    some = CaseRef(id=next(iter(hidden)))
    assert db.read.case(access.visibility(member), some).case.id == some.id
    with pytest.raises(NotFound):
        db.read.case(access.visibility(outsider), some)
    with pytest.raises(NotFound):
        db.bus.handle(c.ChangeCasePriority(some, Priority.P1), outsider)
    db.bus.handle(c.ChangeCasePriority(some, Priority.P1), member)
