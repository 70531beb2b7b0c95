"""Tines dialect: the resources under a case (`/api/v1/cases/{case_id}/...`): its assignees,
comments and reactions, subscribers, buttons, metadata, linked cases and files."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Response

from casedesk.domain.cases import commands as x
from casedesk.domain.cases.links import DeleteCaseLink
from casedesk.domain.errors import NotFound
from casedesk.domain.ids import CaseRef, UserRef
from casedesk.entrypoints.api_tines import mapping as m
from casedesk.entrypoints.api_tines import schemas as s
from casedesk.entrypoints.api_tines import wire as w
from casedesk.entrypoints.api_tines.auth import Reader, Writer
from casedesk.entrypoints.api_tines.cases import presenter
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router
from casedesk.services.ports.case_queries import Include

router = dialect_router()
Doc = dict[str, Any]
LINKS = frozenset({Include.LINKS})
ONE_PAGE = {"current_page": None, "previous_page": None, "next_page": None, "next_page_number": None}


def one_page(items: list[Any]) -> Doc:
    return {**ONE_PAGE, "per_page": max(len(items), 1), "pages": 1, "count": len(items)}


@router.get("/cases/{case_id}/assignees")
def assignees(case_id: str, ctx: Reader) -> Doc:
    detail = ctx.services.read.case(ctx.visibility, w.case_ref(case_id))
    people = [m.person(detail.users.get(u)) for u in detail.case.assignee_ids]
    return {"case_id": detail.case.number, "assignees": people, "meta": one_page(people)}


# -- comments ----------------------------------------------------------------------------


@router.post("/cases/{case_id}/comments", status_code=201)
def comment(case_id: str, body: s.CommentIn, ctx: Writer) -> Doc:
    ref = w.case_ref(case_id)
    cell_id = ctx.handle(x.CommentOnCase(ref, body.value, m.author(body.author_email)))
    return m.comment(ref.number or 0, ctx.services.attachments.comment(ctx.visibility, ref, cell_id))


def _react(case_id: str, comment_id: str, body: s.ReactionIn, ctx: Context, add: bool) -> Doc:
    ref, number = w.case_ref(case_id), w.number(comment_id, "comment_id")
    ctx.handle(x.ReactToComment(ref, number, body.value, add))
    return m.comment(ref.number or 0, ctx.services.attachments.comment_by_number(ctx.visibility, ref, number))


@router.post("/cases/{case_id}/comments/{comment_id}/add_reaction")
def add_reaction(case_id: str, comment_id: str, body: s.ReactionIn, ctx: Writer) -> Doc:
    return _react(case_id, comment_id, body, ctx, True)


@router.post("/cases/{case_id}/comments/{comment_id}/remove_reaction")
def remove_reaction(case_id: str, comment_id: str, body: s.ReactionIn, ctx: Writer) -> Doc:
    return _react(case_id, comment_id, body, ctx, False)


# -- subscribers -------------------------------------------------------------------------


@router.post("/cases/{case_id}/subscribers", status_code=201)
def subscribe(case_id: str, body: s.SubscriberIn, ctx: Writer) -> Doc:
    ref, user = w.case_ref(case_id), UserRef.of_email(body.user_email, "user")
    ctx.handle(x.WatchCase(ref, user))
    watchers = ctx.services.read.case(ctx.visibility, ref, frozenset({Include.WATCHERS})).watchers
    subscriber = next((u for u in watchers if u.email == user.email), None)
    return {
        "case_id": ref.number,
        "id": subscriber.number if subscriber else None,
        "user": m.person(subscriber),
    }


@router.get("/cases/{case_id}/subscribers")
def subscribers(case_id: str, ctx: Reader) -> Doc:
    ref = w.case_ref(case_id)
    people = [
        m.person(u)
        for u in ctx.services.read.case(ctx.visibility, ref, frozenset({Include.WATCHERS})).watchers
    ]
    return {"case_id": ref.number, "subscribers": people, "meta": one_page(people)}


@router.delete("/cases/{case_id}/unsubscribe", status_code=204)
def unsubscribe(case_id: str, body: s.SubscriberIn, ctx: Writer) -> Response:
    ctx.handle(x.UnwatchCase(w.case_ref(case_id), UserRef.of_email(body.user_email, "user")))
    return Response(status_code=204)


# -- buttons -----------------------------------------------------------------------------


def _buttons(ctx: Context, case_id: str) -> Doc:
    detail = ctx.services.read.case(ctx.visibility, w.case_ref(case_id), frozenset({Include.BUTTONS}))
    return {"case_id": detail.case.number, "team_case_buttons": [m.button(b) for b in detail.buttons]}


def _button(ctx: Context, case_id: str, button_id: int) -> Doc:
    found = [b for b in _buttons(ctx, case_id)["team_case_buttons"] if b["id"] == button_id]
    if not found:
        raise NotFound("button", button_id)
    return {"case_id": int(case_id), **found[0]}


@router.get("/cases/{case_id}/buttons")
def list_buttons(case_id: str, ctx: Reader) -> Doc:
    return _buttons(ctx, case_id)


@router.post("/cases/{case_id}/buttons", status_code=201)
def add_button(case_id: str, body: s.ButtonIn, ctx: Writer) -> Doc:
    ref = w.case_ref(case_id)
    button_id = ctx.handle(x.AddCaseButton(ref, m.button_spec(body)))
    return _button(ctx, case_id, button_id)


@router.put("/cases/{case_id}/buttons/{button_id}")
def update_button(case_id: str, button_id: str, body: s.ButtonUpdate, ctx: Writer) -> Doc:
    ref, number = w.case_ref(case_id), w.number(button_id, "button_id")
    ctx.handle(m.update_button(ref, number, body))
    return _button(ctx, case_id, number)


@router.delete("/cases/{case_id}/buttons/{button_id}", status_code=204)
def delete_button(case_id: str, button_id: str, ctx: Writer) -> Response:
    ctx.handle(x.DeleteCaseButton(w.case_ref(case_id), w.number(button_id, "button_id")))
    return Response(status_code=204)


# -- metadata ----------------------------------------------------------------------------


def _metadata(ctx: Context, case_id: str) -> Doc:
    case = ctx.services.read.case(ctx.visibility, w.case_ref(case_id)).case
    return {"case_id": case.number, "metadata": dict(case.metadata)}


@router.get("/cases/{case_id}/metadata")
def get_metadata(case_id: str, ctx: Reader) -> Doc:
    return _metadata(ctx, case_id)


@router.get("/cases/{case_id}/metadata/{key}")
def get_metadata_key(case_id: str, key: str, ctx: Reader) -> Doc:
    found = _metadata(ctx, case_id)
    if key not in found["metadata"]:
        raise NotFound("metadata key", quote(key))
    return {"case_id": found["case_id"], "metadata": {key: found["metadata"][key]}}


@router.post("/cases/{case_id}/metadata", status_code=201)
def add_metadata(case_id: str, body: s.MetadataIn, ctx: Writer) -> Doc:
    ctx.handle(x.AddCaseMetadata(w.case_ref(case_id), body.metadata))
    return _metadata(ctx, case_id)


@router.put("/cases/{case_id}/metadata")
def update_metadata(case_id: str, body: s.MetadataIn, ctx: Writer) -> Doc:
    ctx.handle(x.UpdateCaseMetadata(w.case_ref(case_id), body.metadata))
    return _metadata(ctx, case_id)


@router.delete("/cases/{case_id}/metadata", status_code=204)
def delete_metadata(case_id: str, body: s.MetadataKeys, ctx: Writer) -> Response:
    ctx.handle(x.RemoveCaseMetadata(w.case_ref(case_id), tuple(body.metadata)))
    return Response(status_code=204)


# -- linked cases ------------------------------------------------------------------------


@router.get("/cases/{case_id}/linked_cases")
def linked_cases(case_id: str, ctx: Reader) -> Doc:
    return presenter.linked_document(ctx.services.read.case(ctx.visibility, w.case_ref(case_id), LINKS))


@router.post("/cases/{case_id}/linked_cases", status_code=201)
def link_case(case_id: str, body: s.LinkIn, ctx: Writer) -> Doc:
    ref = w.case_ref(case_id)
    ctx.handle(m.link_case(ref, body))
    return presenter.linked_document(ctx.services.read.case(ctx.visibility, ref, LINKS))


@router.delete("/cases/{case_id}/linked_cases/{linked_case_id}", status_code=204)
def unlink_case(case_id: str, linked_case_id: str, ctx: Writer) -> Response:
    other = CaseRef(number=w.number(linked_case_id, "linked_case_id"))
    ctx.handle(DeleteCaseLink(between=(w.case_ref(case_id), other)))
    return Response(status_code=204)


# -- files -------------------------------------------------------------------------------


@router.post("/cases/{case_id}/files", status_code=201)
def attach_file(case_id: str, body: s.FileIn, ctx: Writer) -> Doc:
    ref = w.case_ref(case_id)
    file_id = ctx.handle(m.attach_file(ref, body))
    return m.file_document(ctx.services.attachments.file(ctx.visibility, ref, file_id), ctx.services.base_url)


@router.get("/cases/{case_id}/files/{file_id}")
def file_info(case_id: str, file_id: str, ctx: Reader) -> Doc:
    found = ctx.services.attachments.file(ctx.visibility, w.case_ref(case_id), w.number(file_id, "file_id"))
    return m.file_document(found, ctx.services.base_url)


@router.get("/cases/{case_id}/files/{file_id}/download")
def download_file(case_id: str, file_id: str, ctx: Reader) -> Response:
    found = ctx.services.attachments.file(ctx.visibility, w.case_ref(case_id), w.number(file_id, "file_id"))
    content = ctx.services.attachments.file_content(found.sha256)
    inline = found.content_type.startswith("image/")
    disposition = f"{'inline' if inline else 'attachment'}; filename*=UTF-8''{quote(found.filename)}"
    headers = {
        "Content-Disposition": disposition,
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(content, media_type=found.content_type, headers=headers)
