"""Datadog dialect: moving a case to another project."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from casedesk.domain.ids import CaseRef
from casedesk.entrypoints.api_datadog import schemas as s
from casedesk.entrypoints.api_datadog.access import CaseWriter as Writer
from casedesk.entrypoints.api_datadog.cases import relation_mapping as mr
from casedesk.entrypoints.api_datadog.cases.routes import run

router = APIRouter()


@router.patch("/cases/{case_id}/relationships/project", name="MoveCaseToProject")
def move_case(case_id: str, body: s.ProjectRelationship, ctx: Writer) -> dict[str, Any]:
    return run(ctx, mr.move_case(CaseRef.parse(case_id), body))
