"""A project's case notification rules in SQL: the unit of work's repository and the read
model's queries. Rows hold the rule's document; reading one back uses the domain's codec,
leniently, so a stored rule never fails to load."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, RowMapping, delete, insert, select, update

from casedesk.adapters.db.access import visible
from casedesk.adapters.db.connection_types import ReadConnections
from casedesk.adapters.db.schema import core as t
from casedesk.adapters.db.schema.notifications import case_notification_rules
from casedesk.domain.cases.notification_rules import ProjectNotificationRule
from casedesk.domain.cases.rules import CaseNotificationRule
from casedesk.domain.documents import from_document, to_document
from casedesk.domain.errors import NotFound
from casedesk.services.ports.access import Visibility

R = case_notification_rules.c


def rule_from_row(row: RowMapping) -> ProjectNotificationRule:
    return ProjectNotificationRule(
        id=row["id"],
        project_id=row["project_id"],
        rule=from_document(CaseNotificationRule, row["document"], lenient=True),
        created_at=row["created_at"],
        created_by=row["created_by"],
        modified_at=row["modified_at"],
        modified_by=row["modified_by"],
    )


def rule_to_row(rule: ProjectNotificationRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "project_id": rule.project_id,
        "document": to_document(rule.rule),
        "created_at": rule.created_at,
        "created_by": rule.created_by,
        "modified_at": rule.modified_at,
        "modified_by": rule.modified_by,
    }


def project_rules(conn: Connection, project_id: uuid.UUID) -> list[ProjectNotificationRule]:
    """The project's rules, oldest first."""
    query = select(case_notification_rules).where(R.project_id == project_id).order_by(R.created_at, R.id)
    return [rule_from_row(r) for r in conn.execute(query).mappings()]


class SqlCaseNotificationRuleRepository:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def get(self, project_id: uuid.UUID, rule_id: uuid.UUID) -> ProjectNotificationRule:
        query = select(case_notification_rules).where(R.id == rule_id, R.project_id == project_id)
        row = self.conn.execute(query.with_for_update()).mappings().first()
        if row is None:
            raise NotFound("notification_rule", rule_id)
        return rule_from_row(row)

    def add(self, rule: ProjectNotificationRule) -> None:
        self.conn.execute(insert(case_notification_rules).values(rule_to_row(rule)))

    def save(self, rule: ProjectNotificationRule) -> None:
        values = rule_to_row(rule)
        self.conn.execute(update(case_notification_rules).where(R.id == rule.id).values(values))

    def delete(self, rule: ProjectNotificationRule) -> None:
        self.conn.execute(delete(case_notification_rules).where(R.id == rule.id))


class NotificationRuleReads:
    """The read model's query over case notification rules."""

    engine: ReadConnections

    def case_notification_rules(
        self, visibility: Visibility, project_id: uuid.UUID
    ) -> list[ProjectNotificationRule]:
        p = t.projects.c
        with self.engine.connect() as conn:
            live = select(p.id).where(
                p.id == project_id, p.deleted_at.is_(None), visible(conn, p.id, visibility)
            )
            if conn.execute(live).first() is None:
                raise NotFound("project", project_id)
            return project_rules(conn, project_id)

    def case_notification_rule(
        self, visibility: Visibility, project_id: uuid.UUID, rule_id: uuid.UUID
    ) -> ProjectNotificationRule:
        for rule in self.case_notification_rules(visibility, project_id):
            if rule.id == rule_id:
                return rule
        raise NotFound("notification_rule", rule_id)
