"""Records (stored result sets that cases point at) and files attached to a case."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

from casedesk.domain.cases import commands as c
from casedesk.domain.cases.attachments import clean_file_contents, clean_file_name, clean_record_fields
from casedesk.domain.users import Principal
from casedesk.services.access import author_of
from casedesk.services.ports.uow import UnitOfWork


def create_record(uow: UnitOfWork, cmd: c.CreateRecord, who: Principal, now: datetime) -> int:
    return uow.attachments.add_record(clean_record_fields(cmd.fields), who.user_id, now)


def attach_file(uow: UnitOfWork, cmd: c.AttachFile, who: Principal, now: datetime) -> int:
    filename = clean_file_name(cmd.filename)
    content = clean_file_contents(cmd.content)
    case = uow.cases.get(cmd.case)
    author = author_of(uow, cmd.author, who)
    file_id = uow.attachments.add_file(case.id, filename, cmd.content_type, content, cmd.comment, author, now)
    data: dict[str, Any] = {
        "id": file_id,
        "filename": filename,
        "sha256": hashlib.sha256(content).hexdigest(),
        "size": len(content),
    }
    case.file_attached(data, cmd.comment, author, now)
    return file_id
