"""The message bus: one command → authorise → one handler → one commit.

`REGISTRY` is the one table of commands: each maps to its handler and to the scope a caller
needs, which the bus checks and the HTTP routes check before they read a body.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

from casedesk.domain import maintenance as mc
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.cases import notification_rules as nr
from casedesk.domain.cases.case_types import CreateCaseType, DeleteCaseType, UpdateCaseType
from casedesk.domain.cases.custom_attributes import (
    CreateCustomAttributeConfig,
    DeleteCustomAttributeConfig,
    UpdateCustomAttributeConfig,
)
from casedesk.domain.cases.links import CreateCaseLink, DeleteCaseLink
from casedesk.domain.cases.views import CreateCaseView, DeleteCaseView, UpdateCaseView
from casedesk.domain.commands import Command
from casedesk.domain.incidents import commands as ic
from casedesk.domain.notifications import commands as nc
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope
from casedesk.services import access, maintenance, projects, users
from casedesk.services.cases import (
    bulk,
    buttons,
    case_types,
    comments,
    links,
    moves,
    notification_rules,
    records,
    tickets,
    views,
    watchers,
)
from casedesk.services.cases import handlers as cases
from casedesk.services.incidents import handlers as incidents
from casedesk.services.incidents import items
from casedesk.services.notifications import channels, webhooks
from casedesk.services.ports.access import Visibility
from casedesk.services.ports.uow import Clock, UnitOfWorkFactory
from casedesk.services.registry import Registry, composite, concrete_commands, on

CASES = Scope.CASES_WRITE
CASE_SETTINGS = Scope.CASES_SHARED_SETTINGS_WRITE
INCIDENTS = Scope.INCIDENT_WRITE
INCIDENT_SETTINGS = Scope.INCIDENT_SETTINGS_WRITE
INTEGRATIONS = Scope.MANAGE_INTEGRATIONS

REGISTRY = Registry(
    [
        # -- cases
        on(c.CreateCase, CASES, cases.create_case),
        on(c.ChangeCaseStatus, CASES, cases.change_status),
        on(c.ChangeCasePriority, CASES, cases.change_priority),
        on(c.RetitleCase, CASES, cases.retitle),
        on(c.DescribeCase, CASES, cases.describe),
        on(c.AssignCase, CASES, cases.assign),
        on(c.UnassignCase, CASES, cases.unassign),
        on(c.ArchiveCase, CASES, cases.archive),
        on(c.UnarchiveCase, CASES, cases.unarchive),
        on(c.SetCaseAttributes, CASES, cases.set_attributes),
        on(c.SetCaseDueDate, CASES, cases.set_due_date),
        on(c.SetCaseResolvedReason, CASES, cases.set_resolved_reason),
        on(c.ChangeCaseAssignees, CASES, cases.change_assignees),
        on(c.ChangeCaseTags, CASES, cases.change_tags),
        on(c.ChangeCaseRecords, CASES, cases.change_records),
        on(c.SetCaseTimes, CASES, cases.set_times),
        on(c.SetClosureConditions, CASES, cases.set_closure_conditions),
        on(c.AddCaseMetadata, CASES, cases.add_metadata),
        on(c.UpdateCaseMetadata, CASES, cases.update_metadata),
        on(c.RemoveCaseMetadata, CASES, cases.remove_metadata),
        on(c.DeleteCase, CASES, cases.delete_case),
        on(c.SendCaseToTicketSystem, CASES, tickets.send_to_ticket_system),
        on(c.CommentOnCase, CASES, comments.comment),
        on(c.UpdateCaseComment, CASES, comments.update_comment),
        on(c.DeleteCaseComment, CASES, comments.delete_comment),
        on(c.ReactToComment, CASES, comments.react),
        on(c.SetCaseCustomAttribute, CASES, cases.set_custom_attribute),
        on(c.RemoveCaseCustomAttribute, CASES, cases.remove_custom_attribute),
        on(c.AddCaseInsights, CASES, cases.add_insights),
        on(c.RemoveCaseInsights, CASES, cases.remove_insights),
        composite(c.BulkUpdateCases, CASES, bulk.bulk_update),
        composite(c.ChangeCase, CASES, bulk.change_case),
        on(CreateCaseLink, CASES, links.create_link),
        on(DeleteCaseLink, CASES, links.delete_link),
        on(c.WatchCase, CASES, watchers.watch),
        on(c.UnwatchCase, CASES, watchers.unwatch),
        on(c.MoveCaseToProject, CASES, moves.move_case),
        on(CreateCaseView, CASES, views.create_view),
        on(UpdateCaseView, CASES, views.update_view),
        on(DeleteCaseView, CASES, views.delete_view),
        on(c.AddCaseButton, CASES, buttons.add_button),
        on(c.UpdateCaseButton, CASES, buttons.update_button),
        on(c.DeleteCaseButton, CASES, buttons.delete_button),
        on(c.ReplaceCaseButtons, CASES, buttons.replace_buttons),
        on(c.AttachFile, CASES, records.attach_file),
        on(c.CreateRecord, CASES, records.create_record),
        # -- case types and their custom attributes
        on(CreateCaseType, CASE_SETTINGS, case_types.create_case_type),
        on(UpdateCaseType, CASE_SETTINGS, case_types.update_case_type),
        on(DeleteCaseType, CASE_SETTINGS, case_types.delete_case_type),
        on(CreateCustomAttributeConfig, CASE_SETTINGS, case_types.create_custom_attribute),
        on(UpdateCustomAttributeConfig, CASE_SETTINGS, case_types.update_custom_attribute),
        on(DeleteCustomAttributeConfig, CASE_SETTINGS, case_types.delete_custom_attribute),
        # -- projects
        on(pc.CreateProject, CASES, projects.create_project),
        on(pc.UpdateProject, CASES, projects.update_project),
        on(pc.DeleteProject, CASES, projects.delete_project),
        on(pc.FavoriteProject, CASES, projects.favorite),
        on(pc.UnfavoriteProject, CASES, projects.unfavorite),
        # Who may see a project: the handlers ask for an admin or the project's admin.
        on(pc.RestrictProject, CASES, projects.restrict_project),
        on(pc.AddProjectMember, CASES, projects.add_member),
        on(pc.RemoveProjectMember, CASES, projects.remove_member),
        # Notification rules are project settings: the handlers ask for the project's admin.
        on(nr.CreateCaseNotificationRule, CASES, notification_rules.create_rule),
        on(nr.UpdateCaseNotificationRule, CASES, notification_rules.update_rule),
        on(nr.DeleteCaseNotificationRule, CASES, notification_rules.delete_rule),
        # -- users and keys
        on(uc.CreateUser, Scope.USER_ACCESS_INVITE, users.create_user),
        on(uc.DisableUser, Scope.USER_ACCESS_MANAGE, users.disable_user),
        on(uc.EnableUser, Scope.USER_ACCESS_MANAGE, users.enable_user),
        on(uc.SetUserRole, Scope.USER_ACCESS_MANAGE, users.set_role),
        on(uc.UpdateUser, Scope.USER_ACCESS_MANAGE, users.update_user),
        on(uc.CreateKeys, Scope.USER_ACCESS_MANAGE, users.create_keys),
        on(uc.RevokeAppKey, Scope.USER_ACCESS_MANAGE, users.revoke_key),
        # Every role may manage its own keys (Datadog's user_app_keys, which every role
        # holds), so the scope every role's keys can carry guards it.
        on(uc.RevokeOwnAppKey, Scope.USER_ACCESS_READ, users.revoke_own_key),
        # -- maintenance windows (Datadog's event management scopes)
        on(mc.CreateMaintenanceWindow, Scope.EVENT_CORRELATION_CONFIG_WRITE, maintenance.create_window),
        on(mc.UpdateMaintenanceWindow, Scope.EVENT_CORRELATION_CONFIG_WRITE, maintenance.update_window),
        on(mc.DeleteMaintenanceWindow, Scope.EVENT_CORRELATION_CONFIG_WRITE, maintenance.delete_window),
        # -- incidents
        on(ic.CreateIncident, INCIDENTS, incidents.create_incident),
        on(ic.ImportIncident, INCIDENTS, incidents.import_incident),
        on(ic.UpdateIncident, INCIDENTS, incidents.update_incident),
        on(ic.DeleteIncident, INCIDENTS, incidents.delete_incident),
        # Linking changes the case (Datadog asks for cases_write); the incident is only read.
        on(ic.LinkIncidentToCase, CASES, incidents.link_to_case),
        on(ic.AddIncidentItem, INCIDENTS, items.add_item),
        on(ic.UpdateIncidentItem, INCIDENTS, items.update_item),
        on(ic.RemoveIncidentItem, INCIDENTS, items.remove_item),
        on(ic.CreateIncidentSetting, INCIDENT_SETTINGS, items.create_setting),
        on(ic.UpdateIncidentSetting, INCIDENT_SETTINGS, items.update_setting),
        on(ic.DeleteIncidentSetting, INCIDENT_SETTINGS, items.delete_setting),
        on(ic.PutGlobalIncidentSettings, INCIDENT_SETTINGS, items.put_global_settings),
        # -- notification channels (Datadog's manage_integrations)
        on(nc.CreateWebhook, INTEGRATIONS, webhooks.create_webhook),
        on(nc.UpdateWebhook, INTEGRATIONS, webhooks.update_webhook),
        on(nc.DeleteWebhook, INTEGRATIONS, webhooks.delete_webhook),
        on(nc.RevealSigningSecret, INTEGRATIONS, webhooks.reveal_signing_secret),
        on(nc.CreateCustomVariable, INTEGRATIONS, webhooks.create_variable),
        on(nc.UpdateCustomVariable, INTEGRATIONS, webhooks.update_variable),
        on(nc.DeleteCustomVariable, INTEGRATIONS, webhooks.delete_variable),
        on(nc.CreatePagerDutyService, INTEGRATIONS, channels.create_service),
        on(nc.UpdatePagerDutyService, INTEGRATIONS, channels.update_service),
        on(nc.DeletePagerDutyService, INTEGRATIONS, channels.delete_service),
        on(nc.AddSlackAccount, INTEGRATIONS, channels.add_account),
        on(nc.RemoveSlackAccount, INTEGRATIONS, channels.remove_account),
        on(nc.CreateSlackChannel, INTEGRATIONS, channels.create_channel),
        on(nc.UpdateSlackChannel, INTEGRATIONS, channels.update_channel),
        on(nc.DeleteSlackChannel, INTEGRATIONS, channels.delete_channel),
        on(nc.CreateTeamsHandle, INTEGRATIONS, channels.create_handle),
        on(nc.UpdateTeamsHandle, INTEGRATIONS, channels.update_handle),
        on(nc.DeleteTeamsHandle, INTEGRATIONS, channels.delete_handle),
    ],
    # Every command the handler modules above import; a new one without a row fails here.
    commands=concrete_commands(),
)

R = TypeVar("R")


def utc_now() -> datetime:
    return datetime.now(UTC)


class MessageBus:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock = utc_now) -> None:
        self.uow_factory = uow_factory
        self.clock = clock

    def handle(self, command: Command[R], principal: Principal, visibility: Visibility | None = None) -> R:
        """Runs the command as `principal` (`Principal.operator()` at the console). A request
        passes the visibility its reads use, so the hidden projects are looked up once."""
        REGISTRY.authorize(principal, command)
        with self.uow_factory() as uow:
            # Every case and project the handler loads is one the caller may see.
            uow.limit_to(visibility if visibility is not None else access.visibility(principal))
            result = REGISTRY.run(uow, command, principal, self.clock())
            uow.commit()
        return result
