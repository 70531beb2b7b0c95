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
