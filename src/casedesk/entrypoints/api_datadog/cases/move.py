"""Datadog dialect: moving a case to another project."""

from __future__ import annotations

import uuid
from typing import Any

from casedesk.domain.cases import commands as c
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.ids import CaseRef
from casedesk.domain.projects.project import KEY_PATTERN
from casedesk.entrypoints.api_datadog import schemas as s
from casedesk.entrypoints.api_datadog.access import CaseWriter as Writer
from casedesk.entrypoints.api_datadog.cases.routes import run
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()


def move_command(ref: CaseRef, body: s.ProjectRelationship) -> c.MoveCaseToProject:
    project = body.data.id.strip()
    try:
        uuid.UUID(project)
    except ValueError:
        if not KEY_PATTERN.match(project.upper()):
            raise ValidationFailed(
                "project", f"{body.data.id!r} is neither a project UUID nor a project key like SEC"
            ) from None
    return c.MoveCaseToProject(case=ref, project=project)


@router.patch("/cases/{case_id}/relationships/project", name="MoveCaseToProject")
def move_case(case_id: str, body: s.ProjectRelationship, ctx: Writer) -> dict[str, Any]:
    return run(ctx, move_command(CaseRef.parse(case_id), body))
