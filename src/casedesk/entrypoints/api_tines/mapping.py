"""Pure translation between Tines' v1 wire format and the core's commands and read models."""

from __future__ import annotations

import base64
import binascii
import mimetypes
import uuid
from typing import Any

from casedesk.domain.cases import commands as x
from casedesk.domain.cases.attachments import Button, ButtonSpec, RecordField
from casedesk.domain.cases.closure import PRIORITY_WORDS, ClosureCondition, user_view
from casedesk.domain.cases.links import CreateCaseLink, EntityRef, EntityType, Relationship
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.domain.users import User
from casedesk.domain.vocab import STANDARD_CASE_TYPE_ID, CaseStatus, Priority
from casedesk.entrypoints.api_tines import schemas as s
from casedesk.entrypoints.api_tines.wire import NUMBER_MAX, iso
from casedesk.entrypoints.http.timestamps import as_utc
from casedesk.services.ports.attachments import CommentView, FileView, RecordView

Doc = dict[str, Any]
# -- wire → commands ---------------------------------------------------------------------

PRIORITY_BY_WORD = {word: priority for priority, word in PRIORITY_WORDS.items()}


def priority_from_word(word: str, field: str = "priority") -> Priority:
    priority = PRIORITY_BY_WORD.get(word.strip().lower())
    if priority is None:
        allowed = ", ".join(PRIORITY_WORDS.values())
        raise ValidationFailed(field, f"unknown priority {word!r}; use one of {allowed}")
    return priority


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


def users(emails: list[str], field: str) -> tuple[UserRef, ...]:
    return tuple(UserRef.of_email(email, field) for email in emails)


def author(email: str | None) -> UserRef | None:
    return UserRef.of_email(email, "author") if email is not None else None


def create_case(body: s.CaseCreate, caller: uuid.UUID) -> x.CreateCase:
    """Tines' defaults: priority low (P4), and the caller is the assignee when none is given."""
    if not 0 < body.team_id < NUMBER_MAX:
        raise ValidationFailed("team_id", f"{body.team_id} is not a team id")
    given = body.assignee_emails
    return x.CreateCase(
        project=str(body.team_id),
        type_id=STANDARD_CASE_TYPE_ID,
        title=body.name,
        description=body.description,
        priority=priority_from_word(body.priority) if body.priority is not None else Priority.P4,
        status=status(body.status) if body.status is not None else CaseStatus.OPEN,
        author=author(body.author_email),
        assignees=users(given, "assignees") if given is not None else (UserRef(id=caller),),
        tags=tuple(body.tag_names),
        record_ids=positive(body.record_ids, "record_ids"),
        opened_at=as_utc(body.opened_at),
        resolved_at=as_utc(body.resolved_at),
        metadata=body.metadata,
        buttons=buttons(body.team_case_buttons, "team_case_buttons"),
        closure_conditions=conditions(body.closure_conditions),
    )


def update_case(ref: CaseRef, body: s.CaseUpdate) -> x.ChangeCase:
    """A PUT is one change of each part it names, in one transaction (see `ChangeCase`)."""
    changes: list[x.CaseCommand[object]] = []
    if body.name is not None:
        changes.append(x.RetitleCase(ref, body.name))
    if body.description is not None:
        changes.append(x.DescribeCase(ref, body.description))
    if body.priority is not None:
        changes.append(x.ChangeCasePriority(ref, priority_from_word(body.priority)))
    if body.assignee_emails is not None or body.add_assignee_emails or body.remove_assignee_emails:
        replaced = users(body.assignee_emails, "assignees") if body.assignee_emails is not None else None
        added = users(body.add_assignee_emails, "add_assignees")
        changes.append(
            x.ChangeCaseAssignees(
                ref, replaced, added, users(body.remove_assignee_emails, "remove_assignees")
            )
        )
    if body.tag_names is not None or body.add_tag_names or body.remove_tag_names:
        replaced_tags = tuple(body.tag_names) if body.tag_names is not None else None
        changes.append(
            x.ChangeCaseTags(ref, replaced_tags, tuple(body.add_tag_names), tuple(body.remove_tag_names))
        )
    if body.add_record_ids or body.remove_record_ids:
        added_ids = positive(body.add_record_ids, "add_record_ids")
        changes.append(
            x.ChangeCaseRecords(ref, added_ids, positive(body.remove_record_ids, "remove_record_ids"))
        )
    if body.metadata is not None:
        changes.append(x.UpdateCaseMetadata(ref, body.metadata))
    if body.closure_conditions is not None:
        changes.append(x.SetClosureConditions(ref, conditions(body.closure_conditions)))
    if body.team_case_buttons is not None:
        changes.append(x.ReplaceCaseButtons(ref, buttons(body.team_case_buttons, "team_case_buttons")))
    if body.status is not None:
        changes.append(x.ChangeCaseStatus(ref, status(body.status)))
    if body.opened_at is not None or body.resolved_at is not None:
        changes.append(x.SetCaseTimes(ref, as_utc(body.opened_at), as_utc(body.resolved_at)))
    return x.ChangeCase(ref, tuple(changes), author(body.author_email))


def link_case(ref: CaseRef, body: s.LinkIn) -> CreateCaseLink:
    """Tines' linked cases relate two cases, once: linking them again changes nothing."""
    if not 0 < body.id < NUMBER_MAX:
        raise ValidationFailed("id", "case ids are positive integers")
    ends = (EntityRef(EntityType.CASE, ref), EntityRef(EntityType.CASE, CaseRef(number=body.id)))
    return CreateCaseLink(*ends, Relationship.RELATES_TO, exists_ok=True)


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
    return x.AttachFile(ref, body.filename, content, content_type, body.value, author(body.author_email))


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
    """An attachment as the activity that added it, with the file's own fields."""
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
