"""The handlers of the case commands beyond Datadog's first set (assignee lists, tags,
metadata, records, buttons, files, composite changes); the message bus merges this table
into its own."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from casedesk.domain.cases import commands as c
from casedesk.domain.commands import Command
from casedesk.services.cases import bulk, buttons, comments, records
from casedesk.services.cases import handlers as cases
from casedesk.services.ports.uow import UnitOfWork

EXTRA_HANDLERS: dict[type[Command], Callable[[UnitOfWork, Any, Any, datetime], Any]] = {
    c.ChangeCase: bulk.change_case,
    c.ChangeCaseAssignees: cases.change_assignees,
    c.ChangeCaseTags: cases.change_tags,
    c.ChangeCaseRecords: cases.change_records,
    c.SetCaseTimes: cases.set_times,
    c.SetClosureConditions: cases.set_closure_conditions,
    c.DeleteCase: cases.delete_case,
    c.ReactToComment: comments.react,
    c.AddCaseButton: buttons.add_button,
    c.UpdateCaseButton: buttons.update_button,
    c.DeleteCaseButton: buttons.delete_button,
    c.ReplaceCaseButtons: buttons.replace_buttons,
    c.AddCaseMetadata: cases.add_metadata,
    c.UpdateCaseMetadata: cases.update_metadata,
    c.RemoveCaseMetadata: cases.remove_metadata,
    c.AttachFile: records.attach_file,
    c.CreateRecord: records.create_record,
}
