"""What the Datadog operations outside the contract answer, for `/openapi.json`: the users,
roles, application key, audit and integration configuration operations casedesk implements
as Datadog documents them, and casedesk's own delivery log.
Success bodies reuse the contract's schemas where it has them (`User`); errors are the
contract's `APIErrorResponse`."""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]


def ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str] | None = None, **properties: Schema) -> Schema:
    schema: Schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


STRING: Schema = {"type": "string"}
TIME: Schema = {"type": "string", "format": "date-time"}
NULLABLE_TIME: Schema = {"type": ["string", "null"], "format": "date-time"}
PAGE_META = obj(page=obj(total_count={"type": "integer"}, total_filtered_count={"type": "integer"}))

USERS = obj(
    ["data"], data={"type": "array", "items": ref("User")}, included={"type": "array"}, meta=PAGE_META
)

ROLES = obj(
    ["data"],
    data={
        "type": "array",
        "items": obj(
            ["id", "type"],
            id=STRING,
            type={"const": "roles"},
            attributes=obj(name=STRING, managed={"type": "boolean"}, user_count={"type": "integer"}),
            relationships={"type": "object"},
        ),
    },
    meta=PAGE_META,
)

APPLICATION_KEY = obj(
    ["id", "type", "attributes"],
    id=STRING,
    type={"const": "application_keys"},
    attributes=obj(
        name=STRING,
        created_at=TIME,
        last4=STRING,
        scopes={"type": "array", "items": STRING},
        last_used_at=NULLABLE_TIME,
        revoked_at={
            **NULLABLE_TIME,
            "description": "When the key was revoked (casedesk keeps revoked keys).",
        },
    ),
    relationships=obj(owned_by=obj(data=obj(id=STRING, type={"const": "users"}))),
)
APPLICATION_KEYS = obj(
    ["data"],
    data={"type": "array", "items": APPLICATION_KEY},
    included={"type": "array"},
    meta=obj(page=obj(total_filtered_count={"type": "integer"})),
)

AUDIT_EVENTS = obj(
    ["data"],
    data={
        "type": "array",
        "items": obj(
            ["id", "type", "attributes"],
            id=STRING,
            type={"const": "audit"},
            attributes=obj(
                timestamp=TIME,
                service=STRING,
                message=STRING,
                tags={"type": "array", "items": STRING},
                attributes={"type": "object", "description": "evt.name, usr, key_id, target and data."},
            ),
        ),
    },
    meta=obj(status=STRING, page=obj(after=STRING)),
    links=obj(next=STRING),
)

WEBHOOK = obj(
    ["name", "url"],
    name=STRING,
    url=STRING,
    payload={"type": ["string", "null"]},
    custom_headers={"type": ["string", "null"]},
    encode_as={"enum": ["json", "form"]},
)
CUSTOM_VARIABLE = obj(
    ["name", "is_secret"],
    name=STRING,
    is_secret={"type": "boolean"},
    value={**STRING, "description": "Absent when the variable is secret."},
)
PAGERDUTY_SERVICE_NAME = obj(["service_name"], service_name=STRING)
SLACK_CHANNEL = obj(
    name={**STRING, "description": "The channel's name, with its '#'."},
    display=obj(
        message={"type": "boolean"},
        notified={"type": "boolean"},
        snapshot={"type": "boolean"},
        tags={"type": "boolean"},
        mute_buttons={"type": "boolean"},
    ),
)
TEAMS_HANDLE = obj(
    ["id", "type", "attributes"],
    id=STRING,
    type={"const": "workflows-webhook-handle"},
    attributes=obj(name=STRING),
)

NULLABLE_STRING: Schema = {"type": ["string", "null"]}
NULLABLE_INT: Schema = {"type": ["integer", "null"]}
DELIVERY_ATTRIBUTES: dict[str, Schema] = {
    "status": {"enum": ["pending", "failed", "delivered", "dead", "suppressed"]},
    "destination": obj(["kind", "name"], kind=STRING, name=STRING),
    "event": obj(id=STRING, kind=STRING),
    "subject": obj(type={"enum": ["case", "incident"]}, id=STRING, ref=NULLABLE_STRING),
    "attempt_count": {"type": "integer"},
    "next_attempt_at": NULLABLE_TIME,
    "last_result": NULLABLE_STRING,
    "last_status": NULLABLE_INT,
    "last_error": NULLABLE_STRING,
    "suppressed_by": {**NULLABLE_STRING, "description": "The maintenance window that held it back."},
    "created_at": TIME,
    "delivered_at": NULLABLE_TIME,
}
DELIVERY = obj(
    ["id", "type", "attributes"],
    id={**STRING, "description": "The delivery's id: a webhook's `webhook-id`, kept by retries."},
    type={"const": "deliveries"},
    attributes={"type": "object", "properties": DELIVERY_ATTRIBUTES},
)
ATTEMPT = obj(
    number={"type": "integer"},
    trigger={"enum": ["initial", "scheduled", "manual", "recovery"]},
    started_at=TIME,
    duration_ms={"type": "integer"},
    result=STRING,
    status_code=NULLABLE_INT,
    error=NULLABLE_STRING,
    snippet={**STRING, "description": "The start of the receiver's answer, at most 4 KiB."},
    next_attempt_at=NULLABLE_TIME,
)
DELIVERY_DETAIL = obj(
    ["data"],
    data=obj(
        ["id", "type", "attributes"],
        id=STRING,
        type={"const": "deliveries"},
        attributes={
            "type": "object",
            "properties": {
                **DELIVERY_ATTRIBUTES,
                "attempts": {"type": "array", "items": ATTEMPT},
                "notice": {"type": "object", "description": "What was sent about, as planned (no secrets)."},
            },
        },
    ),
)
DELIVERIES = obj(
    ["data"],
    data={"type": "array", "items": DELIVERY},
    meta=obj(page=obj(after=STRING)),
    links=obj(next=STRING),
)
DELIVERY_RETRY = obj(
    ["data"],
    data=obj(
        type={"const": "delivery_retry"},
        attributes=obj(
            status={"const": "dead"},
            since=NULLABLE_TIME,
            count={"type": "integer"},
            delivery_ids={"type": "array", "items": STRING},
        ),
    ),
)

# operationId → its success body (None: it answers 204 without one).
ANSWERS: dict[str, Schema | None] = {
    "ListUsers": USERS,
    "UpdateUser": ref("UserResponse"),
    "ListRoles": ROLES,
    "AddUserToRole": USERS,
    "RemoveUserFromRole": USERS,
    "ListCurrentUserApplicationKeys": APPLICATION_KEYS,
    "GetCurrentUserApplicationKey": obj(["data"], data=APPLICATION_KEY),
    "DeleteCurrentUserApplicationKey": None,
    "ListApplicationKeys": APPLICATION_KEYS,
    "GetApplicationKey": obj(["data"], data=APPLICATION_KEY),
    "DeleteApplicationKey": None,
    "ListAuditLogs": AUDIT_EVENTS,
    "CreateWebhooksIntegration": WEBHOOK,
    "GetWebhooksIntegration": WEBHOOK,
    "UpdateWebhooksIntegration": WEBHOOK,
    "DeleteWebhooksIntegration": None,
    "CreateWebhooksIntegrationCustomVariable": CUSTOM_VARIABLE,
    "GetWebhooksIntegrationCustomVariable": CUSTOM_VARIABLE,
    "UpdateWebhooksIntegrationCustomVariable": CUSTOM_VARIABLE,
    "DeleteWebhooksIntegrationCustomVariable": None,
    "CreatePagerDutyIntegrationService": PAGERDUTY_SERVICE_NAME,
    "GetPagerDutyIntegrationService": PAGERDUTY_SERVICE_NAME,
    "UpdatePagerDutyIntegrationService": None,
    "DeletePagerDutyIntegrationService": None,
    "GetSlackIntegrationChannels": {"type": "array", "items": SLACK_CHANNEL},
    "CreateSlackIntegrationChannel": SLACK_CHANNEL,
    "GetSlackIntegrationChannel": SLACK_CHANNEL,
    "UpdateSlackIntegrationChannel": SLACK_CHANNEL,
    "RemoveSlackIntegrationChannel": None,
    "ListWorkflowsWebhookHandles": obj(["data"], data={"type": "array", "items": TEAMS_HANDLE}),
    "CreateWorkflowsWebhookHandle": obj(["data"], data=TEAMS_HANDLE),
    "GetWorkflowsWebhookHandle": obj(["data"], data=TEAMS_HANDLE),
    "UpdateWorkflowsWebhookHandle": obj(["data"], data=TEAMS_HANDLE),
    "DeleteWorkflowsWebhookHandle": None,
    "ListDeliveries": DELIVERIES,
    "GetDelivery": DELIVERY_DETAIL,
    "RetryDelivery": DELIVERY_DETAIL,
    "RetryDeadDeliveries": DELIVERY_RETRY,
}
ERRORS = {
    "400": "Bad Request",
    "401": "Unauthorized",
    "403": "Forbidden: the key lacks the scope",
    "404": "Not Found",
}
