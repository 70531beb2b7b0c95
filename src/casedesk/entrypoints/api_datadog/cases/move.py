"""Datadog dialect: moving a case to another project."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from casedesk.domain.ids import CaseRef
from casedesk.domain.vocab import Scope
from casedesk.entrypoints.api_datadog import schemas as s
from casedesk.entrypoints.api_datadog.cases import relation_mapping as mr
from casedesk.entrypoints.api_datadog.cases.routes import run
from casedesk.entrypoints.http.deps import Context, context

router = APIRouter()
Writer = Annotated[Context, Depends(context(Scope.CASES_WRITE))]


@router.patch("/cases/{case_id}/relationships/project", name="MoveCaseToProject")
def move_case(case_id: str, body: s.ProjectRelationship, ctx: Writer) -> dict[str, Any]:
    return run(ctx, mr.move_case(CaseRef.parse(case_id), body))
