"""Datadog dialect: projects and favorites (`/api/v2/cases/projects…`)."""

from __future__ import annotations

from typing import Any

from fastapi import Response

from casedesk.domain.ids import parse_uuid
from casedesk.domain.projects import commands as pc
from casedesk.entrypoints.api_datadog import mapping as m
from casedesk.entrypoints.api_datadog import schemas as s
from casedesk.entrypoints.api_datadog.access import CaseReader as Reader
from casedesk.entrypoints.api_datadog.access import CaseWriter as Writer
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()
Doc = dict[str, Any]


def project_document(ctx: Context, project_id: Any) -> Doc:
    return {"data": m.project_resource(ctx.services.read.project(ctx.visibility, project_id))}


@router.get("/cases/projects", name="GetProjects")
def list_projects(ctx: Reader) -> Doc:
    return {"data": [m.project_resource(p) for p in ctx.services.read.projects(ctx.visibility)]}


@router.post("/cases/projects", name="CreateProject", status_code=201)
def create_project(body: s.ProjectCreateRequest, ctx: Writer) -> Doc:
    return project_document(ctx, ctx.handle(m.create_project(body)))


@router.get("/cases/projects/favorites", name="ListUserCaseProjectFavorites")
def list_favorites(ctx: Reader) -> Doc:
    ids = ctx.services.read.favorite_project_ids(ctx.visibility, ctx.principal.user_id)
    return {"data": [{"id": str(i), "type": "project_favorite"} for i in ids]}


@router.get("/cases/projects/{project_id}", name="GetProject")
def get_project(project_id: str, ctx: Reader) -> Doc:
    return project_document(ctx, parse_uuid(project_id, "project_id"))


@router.patch("/cases/projects/{project_id}", name="UpdateProject")
def update_project(project_id: str, body: s.ProjectUpdateRequest, ctx: Writer) -> Doc:
    command = m.update_project(parse_uuid(project_id, "project_id"), body)
    return project_document(ctx, ctx.handle(command))


@router.delete("/cases/projects/{project_id}", name="DeleteProject", status_code=204)
def delete_project(project_id: str, ctx: Writer) -> Response:
    ctx.handle(pc.DeleteProject(parse_uuid(project_id, "project_id")))
    return Response(status_code=204)


@router.post("/cases/projects/{project_id}/favorites", name="FavoriteCaseProject", status_code=204)
def favorite(project_id: str, ctx: Writer) -> Response:
    ctx.handle(pc.FavoriteProject(parse_uuid(project_id, "project_id")))
    return Response(status_code=204)


@router.delete("/cases/projects/{project_id}/favorites", name="UnfavoriteCaseProject", status_code=204)
def unfavorite(project_id: str, ctx: Writer) -> Response:
    ctx.handle(pc.UnfavoriteProject(parse_uuid(project_id, "project_id")))
    return Response(status_code=204)
