"""Official-client helpers for the Incidents API: a configuration with the incident
operations enabled, request builders, and raw JSON:API bodies."""

from __future__ import annotations

import contextlib
import uuid
from datetime import datetime
from typing import Any, TypeVar

from datadog_api_client import Configuration
from datadog_api_client.model_utils import validate_and_convert_types
from datadog_api_client.v2.api.incidents_api import IncidentsApi
from datadog_api_client.v2.model.incident_create_attributes import IncidentCreateAttributes
from datadog_api_client.v2.model.incident_create_data import IncidentCreateData
from datadog_api_client.v2.model.incident_create_relationships import IncidentCreateRelationships
from datadog_api_client.v2.model.incident_create_request import IncidentCreateRequest
from datadog_api_client.v2.model.incident_field_attributes_multiple_value import (
    IncidentFieldAttributesMultipleValue,
)
from datadog_api_client.v2.model.incident_field_attributes_single_value import (
    IncidentFieldAttributesSingleValue,
)
from datadog_api_client.v2.model.incident_field_attributes_single_value_type import (
    IncidentFieldAttributesSingleValueType,
)
from datadog_api_client.v2.model.incident_field_attributes_value_type import IncidentFieldAttributesValueType
from datadog_api_client.v2.model.incident_response import IncidentResponse
from datadog_api_client.v2.model.incident_type import IncidentType
from datadog_api_client.v2.model.incident_update_attributes import IncidentUpdateAttributes
from datadog_api_client.v2.model.incident_update_data import IncidentUpdateData
from datadog_api_client.v2.model.incident_update_relationships import IncidentUpdateRelationships
from datadog_api_client.v2.model.incident_update_request import IncidentUpdateRequest
from datadog_api_client.v2.model.nullable_relationship_to_user import NullableRelationshipToUser
from datadog_api_client.v2.model.nullable_relationship_to_user_data import NullableRelationshipToUserData
from datadog_api_client.v2.model.users_type import UsersType

from tests.conftest import dd_configuration
from tests.support import Keys, Server

T = TypeVar("T")


def incidents_configuration(server: Server, keys: Keys) -> Configuration:
    """A client configuration with every unstable Incidents operation enabled; the three
    stable ones (impacts list, create, delete) refuse being enabled."""
    config = dd_configuration(server, keys)
    for name in dir(IncidentsApi):
        if name.startswith("_") or name.endswith("_with_pagination"):
            continue
        with contextlib.suppress(KeyError):
            config.unstable_operations[name] = True
    return config


def single(value: str | None, kind: str = "dropdown") -> IncidentFieldAttributesSingleValue:
    return IncidentFieldAttributesSingleValue(type=IncidentFieldAttributesSingleValueType(kind), value=value)


def multi(values: list[str] | None, kind: str = "multiselect") -> IncidentFieldAttributesMultipleValue:
    return IncidentFieldAttributesMultipleValue(type=IncidentFieldAttributesValueType(kind), value=values)


def commander(user_id: str | None) -> NullableRelationshipToUser:
    data = NullableRelationshipToUserData(id=user_id, type=UsersType.USERS) if user_id else None
    return NullableRelationshipToUser(data=data)


def create_request(
    title: str = "Checkout is down",
    *,
    customer_impacted: bool = False,
    commander_id: str | None = None,
    **attributes: Any,
) -> IncidentCreateRequest:
    return IncidentCreateRequest(
        data=IncidentCreateData(
            type=IncidentType.INCIDENTS,
            attributes=IncidentCreateAttributes(
                title=title, customer_impacted=customer_impacted, **attributes
            ),
            relationships=IncidentCreateRelationships(commander_user=commander(commander_id)),
        )
    )


def create(api: IncidentsApi, title: str = "Checkout is down", **kw: Any) -> IncidentResponse:
    return api.create_incident(create_request(title, **kw))


def update_request(incident_id: str, commander_id: Any = None, **attributes: Any) -> IncidentUpdateRequest:
    data: dict[str, Any] = {
        "id": incident_id,
        "type": IncidentType.INCIDENTS,
        "attributes": IncidentUpdateAttributes(**attributes),
    }
    if commander_id is not None:
        data["relationships"] = IncidentUpdateRelationships(commander_user=commander(commander_id or None))
    return IncidentUpdateRequest(data=IncidentUpdateData(**data))


def update(api: IncidentsApi, incident_id: str, **kw: Any) -> IncidentResponse:
    return api.update_incident(incident_id, update_request(incident_id, **kw))


# -- raw JSON:API bodies, for what the official client refuses to send ---------------------


def create_body(title: str = "Checkout is down", **attributes: Any) -> dict[str, Any]:
    return {
        "data": {
            "type": "incidents",
            "attributes": {"title": title, "customer_impacted": False, **attributes},
            "relationships": {"commander_user": {"data": None}},
        }
    }


def update_body(incident_id: str, **attributes: Any) -> dict[str, Any]:
    return {"data": {"id": incident_id, "type": "incidents", "attributes": attributes}}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


SOME_UUID = str(uuid.UUID("6f1d2b1e-5a4c-4e8e-9f3a-2c7d8e9f0a1b"))


def model(cls: type[T], document: dict[str, Any]) -> T:
    """The official client's request model `cls` built (and type-checked by the client) from
    its JSON document, for requests whose nested models would take a page to spell out."""
    converted = validate_and_convert_types(document, (cls,), ["body"], True, True, Configuration())
    assert isinstance(converted, cls)
    return converted
