"""The message bus: one command → authorise → one handler → one commit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from casedesk.domain import commands as c
from casedesk.domain.users import Principal
from casedesk.services import authz, maintenance, projects, users
from casedesk.services.cases import bulk, case_types, links, moves, views, watchers
from casedesk.services.cases import handlers as cases
from casedesk.services.cases.registry import EXTRA_HANDLERS
from casedesk.services.incidents.registry import INCIDENT_HANDLERS
from casedesk.services.ports.uow import Clock, UnitOfWork, UnitOfWorkFactory

Handler = Callable[[UnitOfWork, Any, Any, datetime], Any]

HANDLERS: dict[type[c.Command], Handler] = {
    c.CreateCase: cases.create_case,
    c.ChangeCaseStatus: cases.change_status,
    c.ChangeCasePriority: cases.change_priority,
    c.RetitleCase: cases.retitle,
    c.DescribeCase: cases.describe,
    c.AssignCase: cases.assign,
    c.UnassignCase: cases.unassign,
    c.ArchiveCase: cases.archive,
    c.UnarchiveCase: cases.unarchive,
    c.SetCaseAttributes: cases.set_attributes,
    c.SetCaseDueDate: cases.set_due_date,
    c.SetCaseResolvedReason: cases.set_resolved_reason,
    c.CommentOnCase: cases.comment,
    c.UpdateCaseComment: cases.update_comment,
    c.DeleteCaseComment: cases.delete_comment,
    c.SetCaseCustomAttribute: cases.set_custom_attribute,
    c.RemoveCaseCustomAttribute: cases.remove_custom_attribute,
    c.AddCaseInsights: cases.add_insights,
    c.RemoveCaseInsights: cases.remove_insights,
    c.BulkUpdateCases: bulk.bulk_update,
    c.CreateCaseType: case_types.create_case_type,
    c.UpdateCaseType: case_types.update_case_type,
    c.DeleteCaseType: case_types.delete_case_type,
    c.CreateCustomAttributeConfig: case_types.create_custom_attribute,
    c.UpdateCustomAttributeConfig: case_types.update_custom_attribute,
    c.DeleteCustomAttributeConfig: case_types.delete_custom_attribute,
    c.CreateProject: projects.create_project,
    c.UpdateProject: projects.update_project,
    c.DeleteProject: projects.delete_project,
    c.FavoriteProject: projects.favorite,
    c.UnfavoriteProject: projects.unfavorite,
    c.CreateUser: users.create_user,
    c.DisableUser: users.disable_user,
    c.CreateKeys: users.create_keys,
    c.CreateCaseLink: links.create_link,
    c.DeleteCaseLink: links.delete_link,
    c.WatchCase: watchers.watch,
    c.UnwatchCase: watchers.unwatch,
    c.MoveCaseToProject: moves.move_case,
    c.CreateCaseView: views.create_view,
    c.UpdateCaseView: views.update_view,
    c.DeleteCaseView: views.delete_view,
    c.CreateMaintenanceWindow: maintenance.create_window,
    c.UpdateMaintenanceWindow: maintenance.update_window,
    c.DeleteMaintenanceWindow: maintenance.delete_window,
    **EXTRA_HANDLERS,
    **INCIDENT_HANDLERS,
}

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


class MessageBus:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock = utc_now) -> None:
        self.uow_factory = uow_factory
        self.clock = clock

    def handle(self, command: c.Command, principal: Principal | None) -> Any:
        """Runs the command as `principal`; None means the operator at the console (CLI)."""
        if principal is not None:
            authz.authorize(principal, command)
        handler = HANDLERS[type(command)]
        with self.uow_factory() as uow:
            result = handler(uow, command, principal, self.clock())
            uow.commit()
        return result
