"""The handlers and required scopes of the commands in `domain.extra_commands`; the message
bus and `authz` merge these tables into theirs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from casedesk.domain.cases import commands as x
from casedesk.domain.commands import Command
from casedesk.services.cases import attachments as case_parts
from casedesk.services.cases import lifecycle as case_extras
from casedesk.services.ports.uow import UnitOfWork

EXTRA_HANDLERS: dict[type[Command], Callable[[UnitOfWork, Any, Any, datetime], Any]] = {
    x.OpenCase: case_extras.open_case,
    x.UpdateCase: case_extras.update_case,
    x.DeleteCase: case_extras.delete_case,
    x.CommentAs: case_parts.comment_as,
    x.ReactToComment: case_parts.react,
    x.SubscribeToCase: case_parts.subscribe,
    x.UnsubscribeFromCase: case_parts.unsubscribe,
    x.AddCaseButton: case_parts.add_button,
    x.UpdateCaseButton: case_parts.update_button,
    x.DeleteCaseButton: case_parts.delete_button,
    x.AddCaseMetadata: case_parts.add_metadata,
    x.UpdateCaseMetadata: case_parts.update_metadata,
    x.RemoveCaseMetadata: case_parts.remove_metadata,
    x.LinkCaseNumber: case_parts.link_number,
    x.UnlinkCaseNumber: case_parts.unlink_number,
    x.AttachFile: case_parts.attach_file,
    x.CreateRecord: case_parts.create_record,
}
