"""Who may run which command: one table, checked by the message bus before any handler runs."""

from __future__ import annotations

from casedesk.domain import commands as c
from casedesk.domain.cases import commands as x
from casedesk.domain.errors import Forbidden
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope
from casedesk.services.incidents.registry import INCIDENT_SCOPES

REQUIRED_SCOPE: dict[type[c.Command], Scope] = {
    c.CreateCase: Scope.CASES_WRITE,
    c.ChangeCaseStatus: Scope.CASES_WRITE,
    c.ChangeCasePriority: Scope.CASES_WRITE,
    c.RetitleCase: Scope.CASES_WRITE,
    c.DescribeCase: Scope.CASES_WRITE,
    c.AssignCase: Scope.CASES_WRITE,
    c.UnassignCase: Scope.CASES_WRITE,
    c.ArchiveCase: Scope.CASES_WRITE,
    c.UnarchiveCase: Scope.CASES_WRITE,
    c.SetCaseAttributes: Scope.CASES_WRITE,
    c.SetCaseDueDate: Scope.CASES_WRITE,
    c.SetCaseResolvedReason: Scope.CASES_WRITE,
    c.CommentOnCase: Scope.CASES_WRITE,
    c.UpdateCaseComment: Scope.CASES_WRITE,
    c.DeleteCaseComment: Scope.CASES_WRITE,
    c.SetCaseCustomAttribute: Scope.CASES_WRITE,
    c.RemoveCaseCustomAttribute: Scope.CASES_WRITE,
    c.AddCaseInsights: Scope.CASES_WRITE,
    c.RemoveCaseInsights: Scope.CASES_WRITE,
    c.BulkUpdateCases: Scope.CASES_WRITE,
    c.CreateCaseType: Scope.CASES_SHARED_SETTINGS_WRITE,
    c.UpdateCaseType: Scope.CASES_SHARED_SETTINGS_WRITE,
    c.DeleteCaseType: Scope.CASES_SHARED_SETTINGS_WRITE,
    c.CreateCustomAttributeConfig: Scope.CASES_SHARED_SETTINGS_WRITE,
    c.UpdateCustomAttributeConfig: Scope.CASES_SHARED_SETTINGS_WRITE,
    c.DeleteCustomAttributeConfig: Scope.CASES_SHARED_SETTINGS_WRITE,
    c.CreateProject: Scope.CASES_WRITE,
    c.UpdateProject: Scope.CASES_WRITE,
    c.DeleteProject: Scope.CASES_WRITE,
    c.FavoriteProject: Scope.CASES_WRITE,
    c.UnfavoriteProject: Scope.CASES_WRITE,
    c.CreateUser: Scope.USER_ACCESS_INVITE,
    c.DisableUser: Scope.USER_ACCESS_MANAGE,
    c.CreateKeys: Scope.USER_ACCESS_MANAGE,
    c.CreateCaseLink: Scope.CASES_WRITE,
    c.DeleteCaseLink: Scope.CASES_WRITE,
    c.WatchCase: Scope.CASES_WRITE,
    c.UnwatchCase: Scope.CASES_WRITE,
    c.MoveCaseToProject: Scope.CASES_WRITE,
    c.CreateCaseView: Scope.CASES_WRITE,
    c.UpdateCaseView: Scope.CASES_WRITE,
    c.DeleteCaseView: Scope.CASES_WRITE,
    c.CreateMaintenanceWindow: Scope.EVENT_CORRELATION_CONFIG_WRITE,
    c.UpdateMaintenanceWindow: Scope.EVENT_CORRELATION_CONFIG_WRITE,
    c.DeleteMaintenanceWindow: Scope.EVENT_CORRELATION_CONFIG_WRITE,
    **dict.fromkeys(x.EXTRA_COMMANDS, Scope.CASES_WRITE),
    **INCIDENT_SCOPES,
}

# The scopes that commands require: a route guarded by one of them is expected to run a command.
COMMAND_SCOPES = frozenset(REQUIRED_SCOPE.values())


def require(principal: Principal, scope: Scope) -> None:
    if not principal.has(scope):
        raise Forbidden(f"this key lacks the {scope.value} scope")


def authorize(principal: Principal, command: c.Command) -> None:
    require(principal, REQUIRED_SCOPE[type(command)])
