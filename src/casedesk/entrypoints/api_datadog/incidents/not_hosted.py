"""Datadog dialect: the incident operations about Datadog products casedesk does not host
(Google Chat and Meet, On-Call pages, ServiceNow records, AI postmortems). Each answers 400, a
status every one of them declares, with a sentence saying so instead of pretending.

This is an answer of the dialect, not a domain error: no use case is involved, and the core
has no notion of these products; the caller is still authenticated first."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.responses import JSONResponse

from casedesk.entrypoints.api_datadog.access import IncidentReader as Reader
from casedesk.entrypoints.api_datadog.errors import error_response
from casedesk.entrypoints.http.routing import dialect_router

router = dialect_router()

NOT_HOSTED = [
    ("POST", "/incidents/config/google-chat-configurations", "CreateIncidentGoogleChatConfiguration",
     "Google Chat"),
    ("PATCH", "/incidents/config/google-chat-configurations/{id}", "UpdateIncidentGoogleChatConfiguration",
     "Google Chat"),
    ("POST", "/incidents/config/google-meet-configurations", "CreateIncidentGoogleMeetConfiguration",
     "Google Meet"),
    ("PATCH", "/incidents/config/google-meet-configurations/{id}", "UpdateIncidentGoogleMeetConfiguration",
     "Google Meet"),
    ("POST", "/incidents/{incident_id}/ai/postmortem", "GetIncidentAIPostmortem", "Bits AI (AI postmortems)"),
    ("POST", "/incidents/{incident_id}/cases/page", "CreatePageFromIncident", "On-Call (paging)"),
    ("POST", "/incidents/{incident_id}/page", "CreateOnCallPageFromIncident", "On-Call (paging)"),
    ("POST", "/incidents/{incident_id}/pages/link", "LinkPageToIncident", "On-Call (paging)"),
    ("POST", "/incidents/{incident_id}/servicenow-records", "CreateIncidentServiceNowRecord",
     "The ServiceNow integration"),
]  # fmt: skip


def refusal(operation: str, product: str) -> Callable[[Reader], JSONResponse]:
    message = (
        f"{product} is a Datadog product that casedesk does not host, so this operation is not available"
    )

    def endpoint(ctx: Reader) -> JSONResponse:
        return error_response(operation, 400, message)

    return endpoint


for method, path, name, product in NOT_HOSTED:
    router.add_api_route(path, refusal(name, product), methods=[method], name=name)
