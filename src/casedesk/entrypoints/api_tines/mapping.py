"""Pure translation between Tines' v1 wire format and the core's commands and read models."""

from __future__ import annotations

import base64
import binascii
import mimetypes
from datetime import UTC, datetime
from typing import Any

from casedesk.domain.cases import commands as x
from casedesk.domain.cases.attachments import Button, ButtonSpec, RecordField
from casedesk.domain.cases.closure import case_view, priority_from_word, user_view
from casedesk.domain.cases.mixin import ClosureCondition
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef
from casedesk.domain.users import User
from casedesk.domain.vocab import CaseStatus, Priority
from casedesk.entrypoints.api_tines import schemas as s
from casedesk.entrypoints.api_tines.cases.activities import action
from casedesk.services.ports.case_bundle import CaseBundle, CommentView, FileView, RecordView

Doc = dict[str, Any]
NUMBER_MAX = 10**18  # ids are 64-bit integers


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment is not None else None


def utc(moment: datetime | None) -> datetime | None:
    """Timestamps without an offset are read as UTC."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def case_ref(text: str, field: str = "case_id") -> CaseRef:
    return CaseRef(number=number(text, field))


def number(text: str, field: str) -> int:
    raw = text.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18 or not 0 < int(raw) < NUMBER_MAX:
        raise ValidationFailed(field, f"{text[:40]!r} is not an id (a positive integer)")
    return int(raw)


# -- wire → commands ---------------------------------------------------------------------


def status(text: str) -> CaseStatus:
    words = {"open": CaseStatus.OPEN, "closed": CaseStatus.CLOSED}
    found = words.get(text.strip().lower())
    if found is None:
        raise ValidationFailed("status", f"unknown status {text!r}; use open or closed")
    return found


def button_spec(b: s.ButtonIn) -> ButtonSpec:
    return ButtonSpec(b.button_type.strip().lower(), b.url, b.label, b.button_text)


def buttons(items: list[s.ButtonIn], field: str) -> tuple[ButtonSpec, ...]:
    specs = []
    for i, b in enumerate(items):
        try:
            specs.append(button_spec(b))
        except ValidationFailed as exc:
            raise ValidationFailed(f"{field}.{i}.{exc.field}", exc.message) from None
    return tuple(specs)


def conditions(items: list[s.ConditionIn]) -> tuple[ClosureCondition, ...]:
    return tuple(ClosureCondition(c.name, c.formula) for c in items)


def positive(ids: list[int], field: str) -> tuple[int, ...]:
    for i in ids:
        if not 0 < i < NUMBER_MAX:
            raise ValidationFailed(field, f"{i} is not an id (a positive integer)")
    return tuple(ids)


def open_case(body: s.CaseCreate) -> x.OpenCase:
    if not 0 < body.team_id < NUMBER_MAX:
        raise ValidationFailed("team_id", f"{body.team_id} is not a team id")
    return x.OpenCase(
        project=str(body.team_id),
        title=body.name,
        description=body.description,
        priority=priority_from_word(body.priority) if body.priority is not None else Priority.P4,
        status=status(body.status) if body.status is not None else CaseStatus.OPEN,
        author_email=body.author_email,
        assignee_emails=tuple(body.assignee_emails) if body.assignee_emails is not None else None,
        tags=tuple(body.tag_names),
        record_ids=positive(body.record_ids, "record_ids"),
        opened_at=utc(body.opened_at),
        resolved_at=utc(body.resolved_at),
        metadata=body.metadata,
        buttons=buttons(body.team_case_buttons, "team_case_buttons"),
        closure_conditions=conditions(body.closure_conditions),
    )


def update_case(ref: CaseRef, body: s.CaseUpdate) -> x.UpdateCase:
    return x.UpdateCase(
        case=ref,
        title=body.name,
        description=body.description,
        priority=priority_from_word(body.priority) if body.priority is not None else None,
        status=status(body.status) if body.status is not None else None,
        author_email=body.author_email,
        assignee_emails=tuple(body.assignee_emails) if body.assignee_emails is not None else None,
        add_assignee_emails=tuple(body.add_assignee_emails),
        remove_assignee_emails=tuple(body.remove_assignee_emails),
        tags=tuple(body.tag_names) if body.tag_names is not None else None,
        add_tags=tuple(body.add_tag_names),
        remove_tags=tuple(body.remove_tag_names),
        add_record_ids=positive(body.add_record_ids, "add_record_ids"),
        remove_record_ids=positive(body.remove_record_ids, "remove_record_ids"),
        opened_at=utc(body.opened_at),
        resolved_at=utc(body.resolved_at),
        metadata=body.metadata,
        buttons=buttons(body.team_case_buttons, "team_case_buttons")
        if body.team_case_buttons is not None
        else None,
        closure_conditions=conditions(body.closure_conditions)
        if body.closure_conditions is not None
        else None,
    )


def update_button(ref: CaseRef, button_id: int, body: s.ButtonUpdate) -> x.UpdateCaseButton:
    kind = body.button_type.strip().lower() if body.button_type is not None else None
    if kind is not None or body.url is not None or body.label is not None or body.button_text is not None:
        # Each given value is checked alone before anything is looked up.
        ButtonSpec(
            kind or "page", body.url or "https://example.com", body.label or "x", body.button_text or ""
        )
    return x.UpdateCaseButton(ref, button_id, kind, body.url, body.label, body.button_text)


def attach_file(ref: CaseRef, body: s.FileIn) -> x.AttachFile:
    try:
        content = base64.b64decode(body.file_contents, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed("file_contents", "file_contents must be base64") from None
    content_type = mimetypes.guess_type(body.filename)[0] or "application/octet-stream"
    return x.AttachFile(ref, body.filename, content, content_type, body.value, body.author_email)


def create_record(body: s.RecordIn) -> x.CreateRecord:
    return x.CreateRecord(tuple(RecordField(f.name, f.value) for f in body.field_values))


# -- read models → wire ------------------------------------------------------------------


def person(user: User | None) -> Doc:
    """The `user_id` shape of comments, subscribers and assignee lists."""
    if user is None:
        return {}
    view = user_view(user)
    return {
        "user_id": view["id"],
        "first_name": view["first_name"],
        "last_name": view["last_name"],
        "email": view["email"],
        "avatar_url": None,
        "is_service_account": False,
    }


def button(b: Button) -> Doc:
    return {
        "id": b.id,
        "button_type": b.spec.button_type,
        "url": b.spec.url,
        "label": b.spec.label,
        "button_text": b.spec.button_text,
    }


def case_url(base_url: str, team_number: int | None, case_number: int) -> str:
    return f"{base_url.rstrip('/')}/team/{team_number}/cases/{case_number}"


def case_document(bundle: CaseBundle, base_url: str) -> Doc:
    case = bundle.case
    view = case_view(case, bundle.users, bundle.project, bundle.records)
    actions = [a for a in (action(activity, bundle) for activity in bundle.activities) if a is not None]
    team_number = bundle.project.number if bundle.project else None
    return {
        "case_id": view["case_id"],
        "name": view["name"],
        "description": view["description"],
        "status": view["status"],
        "sub_status": {"name": view["sub_status"]},
        "url": case_url(base_url, team_number, case.number),
        "metadata": view["metadata"],
        "author": view["author"],
        "opened_by": view["opened_by"],
        "resolved_by": view["resolved_by"],
        "assignees": view["assignees"],
        "tags": view["tags"],
        "team_case_actions": actions,
        "team": view["team"],
        "team_case_buttons": [button(b) for b in bundle.buttons],
        "closure_conditions": view["closure_conditions"],
        "linked_cases": [n for n, _ in bundle.linked],
        "opened_at": view["opened_at"],
        "resolved_at": view["resolved_at"],
        "created_at": view["created_at"],
        "updated_at": view["updated_at"],
        "records": view["records"],
        "priority": view["priority"],
    }


def linked_document(bundle: CaseBundle) -> Doc:
    return {
        "case_id": bundle.case.number,
        "name": bundle.case.title,
        "linked_cases": [{"case_id": n, "name": title} for n, title in bundle.linked],
    }


def comment(case_number: int, c: CommentView) -> Doc:
    grouped: dict[str, list[Doc]] = {}
    for emoji, user, at in c.reactions:
        grouped.setdefault(emoji, []).append(
            {"user_id": user.number, "user_name": user.name, "reacted_at": iso(at)}
        )
    return {
        "case_id": case_number,
        "id": c.id,
        "action": "COMMENTED",
        "value": c.message,
        "user": person(c.author),
        "created_at": iso(c.created_at),
        "updated_at": iso(c.updated_at or c.created_at),
        "reactions": [{"emoji": f":{emoji}:", "reactants": who} for emoji, who in grouped.items()],
    }


def file_document(f: FileView, base_url: str) -> Doc:
    """An attachment as the activity that added it, with the file's own details."""
    return {
        "case_id": f.case_number,
        "id": f.id,
        "action": "FILE_ATTACHED_AND_COMMENTED" if f.comment else "FILE_ATTACHED",
        "value": f.comment or f.filename,
        "file": {
            "filename": f.filename,
            "url": f"{base_url.rstrip('/')}/api/v1/cases/{f.case_number}/files/{f.id}/download",
            "content_type": f.content_type,
            "sha256": f.sha256,
            "md5": f.md5,
            "sizeinbytes": f.size,
        },
        "user": person(f.author),
        "created_at": iso(f.created_at),
    }


def record(r: RecordView) -> Doc:
    return {"id": r.id, "results": r.results, "created_at": iso(r.created_at)}
