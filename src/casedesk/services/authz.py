"""Who may run which command: one table, checked by the message bus before any handler runs."""

from __future__ import annotations

from casedesk.domain import maintenance as mc
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.commands import Command
from casedesk.domain.errors import Forbidden
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope
from casedesk.services.incidents.registry import INCIDENT_SCOPES

REQUIRED_SCOPE: dict[type[Command], Scope] = {
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
    pc.CreateProject: Scope.CASES_WRITE,
    pc.UpdateProject: Scope.CASES_WRITE,
    pc.DeleteProject: Scope.CASES_WRITE,
    pc.FavoriteProject: Scope.CASES_WRITE,
    pc.UnfavoriteProject: Scope.CASES_WRITE,
    uc.CreateUser: Scope.USER_ACCESS_INVITE,
    uc.DisableUser: Scope.USER_ACCESS_MANAGE,
    uc.CreateKeys: Scope.USER_ACCESS_MANAGE,
    c.CreateCaseLink: Scope.CASES_WRITE,
    c.DeleteCaseLink: Scope.CASES_WRITE,
    c.WatchCase: Scope.CASES_WRITE,
    c.UnwatchCase: Scope.CASES_WRITE,
    c.MoveCaseToProject: Scope.CASES_WRITE,
    c.CreateCaseView: Scope.CASES_WRITE,
    c.UpdateCaseView: Scope.CASES_WRITE,
    c.DeleteCaseView: Scope.CASES_WRITE,
    mc.CreateMaintenanceWindow: Scope.EVENT_CORRELATION_CONFIG_WRITE,
    mc.UpdateMaintenanceWindow: Scope.EVENT_CORRELATION_CONFIG_WRITE,
    mc.DeleteMaintenanceWindow: Scope.EVENT_CORRELATION_CONFIG_WRITE,
    c.ChangeCase: Scope.CASES_WRITE,
    c.ChangeCaseAssignees: Scope.CASES_WRITE,
    c.ChangeCaseTags: Scope.CASES_WRITE,
    c.ChangeCaseRecords: Scope.CASES_WRITE,
    c.SetCaseTimes: Scope.CASES_WRITE,
    c.SetClosureConditions: Scope.CASES_WRITE,
    c.DeleteCase: Scope.CASES_WRITE,
    c.ReactToComment: Scope.CASES_WRITE,
    c.AddCaseButton: Scope.CASES_WRITE,
    c.UpdateCaseButton: Scope.CASES_WRITE,
    c.DeleteCaseButton: Scope.CASES_WRITE,
    c.ReplaceCaseButtons: Scope.CASES_WRITE,
    c.AddCaseMetadata: Scope.CASES_WRITE,
    c.UpdateCaseMetadata: Scope.CASES_WRITE,
    c.RemoveCaseMetadata: Scope.CASES_WRITE,
    c.AttachFile: Scope.CASES_WRITE,
    c.CreateRecord: Scope.CASES_WRITE,
    **INCIDENT_SCOPES,
}


def require(principal: Principal, scope: Scope) -> None:
    if not principal.has(scope):
        raise Forbidden(f"this key lacks the {scope.value} scope")


def authorize(principal: Principal, command: Command) -> None:
    require(principal, REQUIRED_SCOPE[type(command)])
