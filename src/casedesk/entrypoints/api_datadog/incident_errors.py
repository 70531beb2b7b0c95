"""Where the incident operations' fields sit on the wire; `errors.py` merges these tables."""

from __future__ import annotations

# Domain field names whose place in a request body is not /data/attributes/<field>.
INCIDENT_FIELD_POINTERS = {
    "commander_user": "/data/relationships/commander_user/data/id",
    "declared_by_user": "/data/relationships/declared_by_user/data/id",
    "incident_type": "/data/relationships/incident_type/data/id",
    "user": "/data/relationships/user/data/id",
    "data": "/data",
    "data/id": "/data/id",
    "data/type": "/data/type",
}
# Fields that one operation carries somewhere else.
INCIDENT_OPERATION_FIELD_POINTERS = {
    # LinkIncident's body is the relationship itself: {"data": {"id", "type"}}.
    ("LinkIncident", "incident_id"): "/data/id",
}
INCIDENT_PATH_PARAMETERS = frozenset(
    {"incident_id", "todo_id", "attachment_id", "impact_id", "responder_id", "integration_metadata_id",
     "incident_type_id", "field_id", "role_id", "rule_id", "template_id", "id"}
)  # fmt: skip
INCIDENT_QUERY_PARAMETERS = frozenset(
    {"page[offset]", "include", "query", "sort", "filter[attachment_type]", "include_deleted",
     "filter[incident-type]", "filter[incident_type]"}
)  # fmt: skip
