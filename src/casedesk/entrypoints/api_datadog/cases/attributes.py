"""Datadog dialect: a case's insights and custom attribute values."""

from __future__ import annotations

from typing import Any

from casedesk.domain.cases import commands as c
from casedesk.domain.ids import CaseRef
from casedesk.entrypoints.api_datadog import mapping as m
from casedesk.entrypoints.api_datadog import schemas as s
from casedesk.entrypoints.api_datadog.access import CaseWriter as Writer
from casedesk.entrypoints.api_datadog.cases.routes import run
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()
Doc = dict[str, Any]


@router.put("/cases/{case_id}/insights", name="AddCaseInsights")
def add_insights(case_id: str, body: s.CaseInsightsRequest, ctx: Writer) -> Doc:
    return run(ctx, c.AddCaseInsights(CaseRef.parse(case_id), m.insights(body)))


@router.delete("/cases/{case_id}/insights", name="RemoveCaseInsights")
def remove_insights(case_id: str, body: s.CaseInsightsRequest, ctx: Writer) -> Doc:
    return run(ctx, c.RemoveCaseInsights(CaseRef.parse(case_id), m.insights(body)))


@router.post("/cases/{case_id}/custom_attributes/{custom_attribute_key}", name="UpdateCaseCustomAttribute")
def set_custom_attribute(
    case_id: str, custom_attribute_key: str, body: s.CaseUpdateCustomAttributeRequest, ctx: Writer
) -> Doc:
    value = m.custom_value(body.data.attributes)
    return run(ctx, c.SetCaseCustomAttribute(CaseRef.parse(case_id), custom_attribute_key, value))


@router.delete("/cases/{case_id}/custom_attributes/{custom_attribute_key}", name="DeleteCaseCustomAttribute")
def remove_custom_attribute(case_id: str, custom_attribute_key: str, ctx: Writer) -> Doc:
    return run(ctx, c.RemoveCaseCustomAttribute(CaseRef.parse(case_id), custom_attribute_key))
