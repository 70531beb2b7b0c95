"""Tines dialect: teams (casedesk projects, by number) and records."""

from __future__ import annotations

from typing import Any

from casedesk.domain.errors import NotFound
from casedesk.domain.projects.project import Project
from casedesk.entrypoints.api_tines import mapping as m
from casedesk.entrypoints.api_tines import schemas as s
from casedesk.entrypoints.api_tines import wire as w
from casedesk.entrypoints.api_tines.auth import Reader, Writer
from casedesk.entrypoints.http.deps import Context
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()
Doc = dict[str, Any]


def team(project: Project) -> Doc:
    return {"id": project.number, "name": project.name, "key": project.key}


def team_project(ctx: Context, number: int) -> Project:
    """The live project a team number in a path or query names. Naming none is a 404 here,
    where a team named in a body is a 400 (errors.NAMED_IN_BODY), so say it as a team."""
    try:
        return ctx.services.read.project_by_number(ctx.visibility, number)
    except NotFound:
        raise NotFound("team", number) from None


@router.get("/teams")
@router.get("/teams/", include_in_schema=False)
def list_teams(ctx: Reader) -> Doc:
    teams = sorted(ctx.services.read.projects(ctx.visibility), key=lambda p: p.number or 0)
    base = f"{ctx.services.base_url.rstrip('/')}/api/v1/teams"
    return {
        "teams": [team(p) for p in teams],
        "meta": {
            "current_page": f"{base}?page=1&per_page={max(len(teams), 1)}",
            "previous_page": None,
            "next_page": None,
            "next_page_number": None,
            "per_page": max(len(teams), 1),
            "pages": 1,
            "count": len(teams),
        },
    }


@router.get("/teams/{team_id}")
def get_team(team_id: str, ctx: Reader) -> Doc:
    return team(team_project(ctx, w.number(team_id, "team_id")))


@router.post("/records", status_code=201)
@router.post("/records/", status_code=201, include_in_schema=False)
def create_record(body: s.RecordIn, ctx: Writer) -> Doc:
    return m.record(ctx.services.attachments.record(ctx.handle(m.create_record(body))))


@router.get("/records/{record_id}")
def get_record(record_id: str, ctx: Reader) -> Doc:
    return m.record(ctx.services.attachments.record(w.number(record_id, "record_id")))
