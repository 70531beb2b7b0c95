"""A project's case notification rules. Changing them needs an admin or the project's admin,
like the project's other settings, and is in the audit log; whoever sees the project reads
them. What a rule names must work when it runs: its query parses with the case search
parser, and each recipient names a configured destination (when the unit of work has the
destinations to check against)."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain.audit import AuditAction
from casedesk.domain.cases import notification_rules as nr
from casedesk.domain.cases.notification_rules import ProjectNotificationRule
from casedesk.domain.cases.rules import CaseNotificationRule
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.notifications.addressing import recipient_destination
from casedesk.domain.projects.project import Project
from casedesk.domain.users import Principal
from casedesk.services import audit
from casedesk.services.access import require_project_admin
from casedesk.services.ports.destinations import DestinationNames
from casedesk.services.ports.uow import UnitOfWork
from casedesk.services.search.cases import parse_case_query

TARGET = "project"


def check_rule(
    rule: CaseNotificationRule, destinations: DestinationNames | None, who: Principal, now: datetime
) -> None:
    """Refuses a query that does not parse (at `query`) and a recipient naming nothing
    configured (at `recipients/<i>/data/<member>`)."""
    parse_case_query(rule.query, now=now, me=who.user_id, field="query")
    if destinations is None:
        return
    for i, recipient in enumerate(rule.recipients):
        kind, name, member = recipient_destination(recipient)
        if not destinations.exists(kind, name):
            raise ValidationFailed(
                f"recipients/{i}/data/{member}", f"no {kind.value} destination named {name!r} is configured"
            )


def create_rule(
    uow: UnitOfWork, cmd: nr.CreateCaseNotificationRule, who: Principal, now: datetime
) -> uuid.UUID:
    project = _administered(uow, cmd.project_id, who)
    check_rule(cmd.rule, uow.destinations, who, now)
    rule = ProjectNotificationRule.create(project.id, cmd.rule, who.user_id, now)
    uow.case_notification_rules.add(rule)
    _audit(uow, who, now, AuditAction.NOTIFICATION_RULE_CREATED, project, rule.id)
    return rule.id


def update_rule(
    uow: UnitOfWork, cmd: nr.UpdateCaseNotificationRule, who: Principal, now: datetime
) -> uuid.UUID:
    project = _administered(uow, cmd.project_id, who)
    rule = uow.case_notification_rules.get(project.id, cmd.rule_id)
    rule.change(cmd.changes, who.user_id, now)
    check_rule(rule.rule, uow.destinations, who, now)
    uow.case_notification_rules.save(rule)
    _audit(uow, who, now, AuditAction.NOTIFICATION_RULE_UPDATED, project, rule.id)
    return rule.id


def delete_rule(
    uow: UnitOfWork, cmd: nr.DeleteCaseNotificationRule, who: Principal, now: datetime
) -> uuid.UUID:
    project = _administered(uow, cmd.project_id, who)
    rule = uow.case_notification_rules.get(project.id, cmd.rule_id)
    uow.case_notification_rules.delete(rule)
    _audit(uow, who, now, AuditAction.NOTIFICATION_RULE_DELETED, project, rule.id)
    return rule.id


def _administered(uow: UnitOfWork, project_id: uuid.UUID, who: Principal) -> Project:
    project = uow.projects.get(project_id)  # NotFound for a project the caller may not see
    require_project_admin(who, project, "change its notification rules")
    return project


def _audit(
    uow: UnitOfWork, who: Principal, now: datetime, action: AuditAction, project: Project, rule_id: uuid.UUID
) -> None:
    audit.record(uow, who, now, action, TARGET, project.id, key=project.key, rule_id=str(rule_id))
