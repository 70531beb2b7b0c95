"""The incident lifecycle through the official client: create, get, update, delete, list,
search, the derived durations, and the timeline and outbox rows every change writes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.incidents_api import IncidentsApi
from datadog_api_client.v2.api.users_api import UsersApi
from datadog_api_client.v2.model.incident_notification_handle import IncidentNotificationHandle
from datadog_api_client.v2.model.incident_related_object import IncidentRelatedObject
from datadog_api_client.v2.model.incident_timeline_cell_markdown_content_type import (
    IncidentTimelineCellMarkdownContentType,
)
from datadog_api_client.v2.model.incident_timeline_cell_markdown_create_attributes import (
    IncidentTimelineCellMarkdownCreateAttributes,
)
from datadog_api_client.v2.model.incident_timeline_cell_markdown_create_attributes_content import (
    IncidentTimelineCellMarkdownCreateAttributesContent,
)
from sqlalchemy import func, select

from casedesk.adapters.db.schema import core as t
from casedesk.bootstrap import Container
from tests.api import dd
from tests.api import incidents_dd as idd
from tests.support import Server


def recent(moment: datetime) -> bool:
    return moment.tzinfo is not None and abs(datetime.now(UTC) - moment) < timedelta(minutes=5)


def events_of(container: Container, incident_id: str) -> tuple[list[str], int]:
    """The kinds of the incident's timeline events, in order, and its outbox row count."""
    subject = uuid.UUID(incident_id)
    tl, ob = t.timeline_events, t.outbox
    with container.engine.connect() as conn:
        kinds = conn.execute(select(tl.c.kind).where(tl.c.subject_id == subject).order_by(tl.c.seq)).scalars()
        outbox = conn.execute(select(func.count()).select_from(ob).where(ob.c.subject_id == subject))
        return list(kinds), int(outbox.scalar_one())


# -- CreateIncident ----------------------------------------------------------------------


def test_create_incident_with_every_member(
    incidents_api: IncidentsApi, users_api: UsersApi, server: Server
) -> None:
    boss = users_api.create_user(dd.user_request(dd.unique_email("ic"), "Ivy Commander")).data
    created = idd.create(
        incidents_api,
        "  Checkout is down  ",
        customer_impacted=True,
        customer_impact_scope="EU shoppers cannot pay",
        commander_id=boss.id,
        is_test=True,
        fields={
            "severity": idd.single("SEV-2"),
            "root_cause": idd.single("bad deploy", "textbox"),
            "services": idd.multi(["checkout", "payments"], "autocomplete"),
        },
        notification_handles=[IncidentNotificationHandle(handle="@oncall", display_name="On call")],
        initial_cells=[
            IncidentTimelineCellMarkdownCreateAttributes(
                cell_type=IncidentTimelineCellMarkdownContentType.MARKDOWN,
                content=IncidentTimelineCellMarkdownCreateAttributesContent(content="Paged the team"),
                important=True,
            )
        ],
    )
    assert not created._unparsed
    incident, attrs = created.data, created.data.attributes
    assert incident.type.value == "incidents"
    assert attrs.title == "Checkout is down"
    assert attrs.public_id >= 1
    assert attrs.severity.value == "SEV-2"
    assert attrs.state == "active"
    assert attrs.customer_impacted is True
    assert attrs.customer_impact_scope == "EU shoppers cannot pay"
    assert recent(attrs.customer_impact_start)
    assert attrs.customer_impact_end is None
    assert attrs.is_test is True
    assert attrs.visibility == "organization"
    assert attrs.case_id is None
    assert attrs.resolved is None
    assert recent(attrs.created)
    assert recent(attrs.modified)
    assert recent(attrs.declared)
    assert attrs.detected == attrs.created
    assert attrs.fields["severity"].value == "SEV-2"
    assert attrs.fields["state"].value == "active"
    assert attrs.fields["root_cause"].value == "bad deploy"
    assert attrs.fields["services"].value == ["checkout", "payments"]
    assert attrs.fields["detection_method"].value == "unknown"
    assert [h.handle for h in attrs.notification_handles] == ["@oncall"]
    assert attrs.time_to_detect == 0
    assert attrs.time_to_resolve == 0
    assert attrs.incident_type_uuid
    rels = incident.relationships
    assert rels.commander_user.data.id == boss.id
    assert rels.created_by_user.data.id == server.admin.user_id
    assert rels.last_modified_by_user.data.id == server.admin.user_id
    assert rels.responders.data == []
    assert rels.attachments.data == []


def test_create_incident_defaults(incidents_api: IncidentsApi) -> None:
    attrs = idd.create(incidents_api).data.attributes
    assert attrs.severity.value == "UNKNOWN"
    assert attrs.state == "active"
    assert attrs.customer_impacted is False
    assert attrs.customer_impact_scope is None
    assert attrs.customer_impact_start is None
    assert attrs.customer_impact_duration == 0
    assert attrs.is_test is False


def test_public_ids_increase_and_are_never_reused(incidents_api: IncidentsApi) -> None:
    first = idd.create(incidents_api).data
    incidents_api.delete_incident(first.id)
    second = idd.create(incidents_api).data
    third = idd.create(incidents_api).data
    assert first.attributes.public_id < second.attributes.public_id < third.attributes.public_id


def test_create_with_state_field_resolves(incidents_api: IncidentsApi) -> None:
    attrs = idd.create(incidents_api, fields={"state": idd.single("resolved")}).data.attributes
    assert attrs.state == "resolved"
    assert recent(attrs.resolved)


def test_create_incident_writes_timeline_and_outbox(
    incidents_api: IncidentsApi, container: Container
) -> None:
    cell = IncidentTimelineCellMarkdownCreateAttributes(
        cell_type=IncidentTimelineCellMarkdownContentType.MARKDOWN,
        content=IncidentTimelineCellMarkdownCreateAttributesContent(content="First note"),
    )
    incident = idd.create(incidents_api, initial_cells=[cell]).data
    assert events_of(container, incident.id) == (["incident.created", "incident.cell_added"], 2)
    idd.update(incidents_api, incident.id, title="Renamed", fields={"severity": idd.single("SEV-1")})
    kinds, outbox = events_of(container, incident.id)
    assert kinds[2:] == ["incident.title_changed", "incident.severity_changed"]
    assert outbox == 4


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (
            {"data": {"type": "incidents", "attributes": {"customer_impacted": False}}},
            "/data/attributes/title",
        ),
        ({"data": {"type": "incidents", "attributes": {"title": "x"}}}, "/data/attributes/customer_impacted"),
        (idd.create_body(title="   "), "/data/attributes/title"),
        (idd.create_body(customer_impacted=True), "/data/attributes/customer_impact_scope"),
        (
            {"data": {"type": "incident", "attributes": {"title": "x", "customer_impacted": False}}},
            "/data/type",
        ),
        (
            idd.create_body(fields={"severity": {"type": "dropdown", "value": "SEV-9"}}),
            "/data/attributes/fields/severity",
        ),
        (
            idd.create_body(fields={"state": {"type": "dropdown", "value": "closed"}}),
            "/data/attributes/fields/state",
        ),
        (idd.create_body(fields={"x": {"type": "checkbox", "value": "a"}}), "/data/attributes/fields/x"),
        (
            idd.create_body(fields={"teams": {"type": "multiselect", "value": "a"}}),
            "/data/attributes/fields/teams",
        ),
        (idd.create_body(incident_type_uuid="nope"), "/data/attributes/incident_type_uuid"),
        (idd.create_body(incident_type_uuid=idd.SOME_UUID), "/data/attributes/incident_type_uuid"),
        (idd.create_body(title="x" * 1025), "/data/attributes/title"),
    ],
)
def test_create_incident_refuses_malformed_bodies(
    http: httpx.Client, body: dict[str, Any], pointer: str
) -> None:
    response = http.post("/api/v2/incidents", json=body)
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith(pointer), response.text


def test_create_incident_refuses_unknown_commander(http: httpx.Client) -> None:
    body = idd.create_body()
    body["data"]["relationships"]["commander_user"]["data"] = {"id": idd.SOME_UUID, "type": "users"}
    response = http.post("/api/v2/incidents", json=body)
    assert response.status_code == 400
    assert dd.only_message(response).startswith("/data/relationships/commander_user/data/id")


# -- GetIncident -------------------------------------------------------------------------


def test_get_incident_by_id_and_public_id(incidents_api: IncidentsApi) -> None:
    created = idd.create(incidents_api, "Lookup me").data
    by_id = incidents_api.get_incident(created.id)
    by_public = incidents_api.get_incident(str(created.attributes.public_id))
    assert not by_id._unparsed
    assert by_id.data.id == by_public.data.id == created.id
    assert by_id.data.attributes.title == "Lookup me"


def test_get_incident_includes_users(incidents_api: IncidentsApi, server: Server) -> None:
    created = idd.create(incidents_api).data
    got = incidents_api.get_incident(created.id, include=[IncidentRelatedObject.USERS])
    assert not got._unparsed
    users = {u.id: u for u in got.included}
    assert users[server.admin.user_id].attributes.email == "admin@example.com"
    assert incidents_api.get_incident(created.id).included == []


def test_get_unknown_incident_is_404(incidents_api: IncidentsApi, http: httpx.Client) -> None:
    with pytest.raises(ApiException) as caught:
        incidents_api.get_incident(idd.SOME_UUID)
    assert caught.value.status == 404
    assert dd.error_messages(caught.value) == ["incident not found"]
    for malformed in ("not-an-id", "\u00b2", "IR-\u00b2"):
        response = http.get(f"/api/v2/incidents/{malformed}")
        assert response.status_code == 400, malformed
        assert dd.only_message(response).startswith('parameter "incident_id"')
    response = http.get(f"/api/v2/incidents/{idd.SOME_UUID}?include=teams")
    assert response.status_code == 400
    assert dd.only_message(response).startswith('parameter "include"')


# -- UpdateIncident ----------------------------------------------------------------------


def test_update_incident_fields_state_and_commander(incidents_api: IncidentsApi, users_api: UsersApi) -> None:
    boss = users_api.create_user(dd.user_request(dd.unique_email("ic"), "Ivy")).data
    incident = idd.create(incidents_api, fields={"services": idd.multi(["api"], "autocomplete")}).data
    updated = idd.update(
        incidents_api,
        incident.id,
        commander_id=boss.id,
        fields={"state": idd.single("stable"), "summary": idd.single("db failover", "textbox")},
    )
    assert not updated._unparsed
    attrs = updated.data.attributes
    assert attrs.state == "stable"
    assert attrs.fields["summary"].value == "db failover"
    assert attrs.fields["services"].value == ["api"]  # untouched fields keep their values
    assert updated.data.relationships.commander_user.data.id == boss.id
    assert attrs.resolved is None

    resolved = idd.update(
        incidents_api, incident.id, fields={"state": idd.single("resolved")}
    ).data.attributes
    assert recent(resolved.resolved)
    completed = idd.update(
        incidents_api, incident.id, fields={"state": idd.single("completed")}
    ).data.attributes
    assert completed.resolved == resolved.resolved  # still resolved: the moment does not move
    reopened = idd.update(incidents_api, incident.id, fields={"state": idd.single("active")}).data.attributes
    assert reopened.resolved is None
    assert reopened.time_to_resolve == 0

    cleared = idd.update(incidents_api, incident.id, commander_id="")
    assert cleared.data.relationships.commander_user.data is None


def test_update_customer_impact_recomputes_durations(incidents_api: IncidentsApi) -> None:
    incident = idd.create(incidents_api).data
    created = incident.attributes.created
    start, detected, end = (
        created - timedelta(hours=2),
        created - timedelta(minutes=30),
        created + timedelta(hours=1),
    )
    attrs = idd.update(
        incidents_api,
        incident.id,
        customer_impacted=True,
        customer_impact_scope="Everyone",
        customer_impact_start=start,
        customer_impact_end=end,
        detected=detected,
    ).data.attributes
    assert attrs.customer_impact_duration == 3 * 3600
    assert attrs.time_to_detect == 90 * 60
    assert attrs.time_to_internal_response == 30 * 60
    assert attrs.time_to_repair == 90 * 60
    # No longer impacted: what the impact was no longer applies.
    attrs = idd.update(incidents_api, incident.id, customer_impacted=False).data.attributes
    assert attrs.customer_impact_scope is None
    assert attrs.customer_impact_start is None
    assert attrs.customer_impact_duration == 0
    assert attrs.time_to_repair == 0
    assert attrs.time_to_internal_response == 30 * 60


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        ({"title": ""}, "/data/attributes/title"),
        ({"detected": "yesterday"}, "/data/attributes/detected"),
        ({"customer_impacted": True}, "/data/attributes/customer_impact_scope"),
        ({"customer_impact_start": "2026-01-01T00:00:00Z"}, "/data/attributes/customer_impact_start"),
        (
            {"customer_impacted": True, "customer_impact_scope": "x",
             "customer_impact_start": "2026-01-02T00:00:00Z", "customer_impact_end": "2026-01-01T00:00:00Z"},
            "/data/attributes/customer_impact_end",
        ),
        ({"fields": {"severity": {"type": "dropdown", "value": None}}}, "/data/attributes/fields/severity"),
    ],
)  # fmt: skip
def test_update_incident_refuses_bad_values(
    incidents_api: IncidentsApi, http: httpx.Client, attributes: dict[str, Any], pointer: str
) -> None:
    incident_id = idd.create(incidents_api).data.id
    response = http.patch(f"/api/v2/incidents/{incident_id}", json=idd.update_body(incident_id, **attributes))
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith(pointer), response.text


def test_update_validates_before_lookup(http: httpx.Client) -> None:
    response = http.patch(f"/api/v2/incidents/{idd.SOME_UUID}", json=idd.update_body(idd.SOME_UUID, title=""))
    assert response.status_code == 400
    response = http.patch(
        f"/api/v2/incidents/{idd.SOME_UUID}", json=idd.update_body(idd.SOME_UUID, title="x")
    )
    assert response.status_code == 404
    other = str(uuid.uuid4())
    response = http.patch(f"/api/v2/incidents/{idd.SOME_UUID}", json=idd.update_body(other, title="x"))
    assert response.status_code == 400
    assert dd.only_message(response).startswith("/data/id")


# -- DeleteIncident ----------------------------------------------------------------------


def test_delete_incident(incidents_api: IncidentsApi, container: Container) -> None:
    incident = idd.create(incidents_api).data
    incidents_api.delete_incident(incident.id)
    with pytest.raises(ApiException) as caught:
        incidents_api.get_incident(incident.id)
    assert caught.value.status == 404
    with pytest.raises(ApiException) as caught:
        incidents_api.delete_incident(incident.id)
    assert caught.value.status == 404
    assert events_of(container, incident.id)[0][-1] == "incident.deleted"


# -- ListIncidents and SearchIncidents ---------------------------------------------------


def test_list_incidents_pages_by_offset(incidents_api: IncidentsApi) -> None:
    ids = {idd.create(incidents_api, f"List {n}").data.id for n in range(3)}
    first = incidents_api.list_incidents(page_size=2)
    assert not first._unparsed
    assert len(first.data) == 2
    assert first.meta.pagination.offset == 0
    assert first.meta.pagination.next_offset == 2
    assert first.meta.pagination.size == 2
    seen = [i.id for i in incidents_api.list_incidents_with_pagination(page_size=2)]
    assert len(seen) == len(set(seen))
    assert ids <= set(seen)
    newest = incidents_api.list_incidents(page_size=3).data
    assert {i.id for i in newest} == ids


def test_list_incidents_refuses_bad_paging(http: httpx.Client) -> None:
    response = http.get("/api/v2/incidents", params={"page[size]": 101})
    assert response.status_code == 400
    assert dd.only_message(response).startswith('parameter "page[size]"')


def test_search_incidents_by_state_and_severity(incidents_api: IncidentsApi) -> None:
    tag = uuid.uuid4().hex[:8]
    active = idd.create(incidents_api, f"{tag} one", fields={"severity": idd.single("SEV-1")}).data
    stable = idd.create(incidents_api, f"{tag} two", fields={"state": idd.single("stable")}).data
    done = idd.create(incidents_api, f"{tag} three", fields={"state": idd.single("resolved")}).data
    found = incidents_api.search_incidents(f"state:(active OR stable) {tag}")
    assert not found._unparsed
    attrs = found.data.attributes
    assert {i.data.id for i in attrs.incidents} == {active.id, stable.id}
    assert attrs.total == 2
    states = {f.name: f.count for f in attrs.facets.state}
    assert states == {"active": 1, "stable": 1}
    severities = {f.name: f.count for f in attrs.facets.severity}
    assert severities == {"SEV-1": 1, "UNKNOWN": 1}
    found = incidents_api.search_incidents(f"state:active AND severity:(SEV-2 OR SEV-1) AND {tag}")
    assert [i.data.id for i in found.data.attributes.incidents] == [active.id]
    found = incidents_api.search_incidents(f"-state:resolved {tag}")
    assert done.id not in {i.data.id for i in found.data.attributes.incidents}


def test_search_incidents_by_field_and_paginates(incidents_api: IncidentsApi) -> None:
    tag = uuid.uuid4().hex[:8]
    ids = [
        idd.create(
            incidents_api, f"{tag} {n}", fields={"services": idd.multi([f"svc-{tag}"], "autocomplete")}
        ).data.id
        for n in range(3)
    ]
    found = incidents_api.search_incidents(f"services:svc-{tag}", page_size=2)
    assert found.data.attributes.total == 3
    assert found.meta.pagination.next_offset == 2
    fields = {f.name: {x.name: x.count for x in f.facets} for f in found.data.attributes.facets.fields}
    assert fields["services"] == {f"svc-{tag}": 3}
    everything = [
        i.data.id for i in incidents_api.search_incidents_with_pagination(f"services:svc-{tag}", page_size=2)
    ]
    assert sorted(everything) == sorted(ids)


def test_search_incidents_refuses_bad_queries(http: httpx.Client) -> None:
    bad = ("state:(active", "state:closed", "created:>someday", "public_id:\u00b2", "created:<now-999999y")
    for query in bad:
        response = http.get("/api/v2/incidents/search", params={"query": query})
        assert response.status_code == 400, query
        assert dd.only_message(response).startswith('parameter "query"'), response.text
    response = http.get("/api/v2/incidents/search")
    assert response.status_code == 400


# -- scopes ------------------------------------------------------------------------------


def test_incident_scopes(server: Server) -> None:
    from tests.api.accounts import http_as, key_headers, new_keys

    reader = new_keys(server, "incident_read")
    with http_as(server, key_headers(reader)) as client:
        assert client.get("/api/v2/incidents").status_code == 200
        assert client.post("/api/v2/incidents", json=idd.create_body()).status_code == 403
    cases_only = new_keys(server, "cases_read,cases_write")
    with http_as(server, key_headers(cases_only)) as client:
        assert client.get("/api/v2/incidents").status_code == 403


# -- LinkIncident ------------------------------------------------------------------------


def test_link_incident_to_case(
    incidents_api: IncidentsApi, cases_api: CaseManagementApi, project: dict[str, Any], container: Container
) -> None:
    from datadog_api_client.v2.model.incident_relationship_data import IncidentRelationshipData
    from datadog_api_client.v2.model.incident_resource_type import IncidentResourceType
    from datadog_api_client.v2.model.relationship_to_incident_request import RelationshipToIncidentRequest

    case = dd.create_case(cases_api, project["id"]).data
    incident = idd.create(incidents_api).data
    request = RelationshipToIncidentRequest(
        data=IncidentRelationshipData(id=incident.id, type=IncidentResourceType.INCIDENTS)
    )
    linked = cases_api.link_incident(case.id, request)
    assert linked.data.id == case.id
    got = incidents_api.get_incident(incident.id).data.attributes
    assert got.case_id == case.attributes.case_number
    assert "incident.case_linked" in events_of(container, incident.id)[0]
    assert "case.incident_linked" in events_of(container, case.id)[0]
    cases_api.link_incident(case.id, request)  # again: nothing changes
    assert events_of(container, incident.id)[0].count("incident.case_linked") == 1


def test_link_incident_errors_are_json_api_objects(
    incidents_api: IncidentsApi, cases_api: CaseManagementApi, project: dict[str, Any], http: httpx.Client
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    other = dd.create_case(cases_api, project["id"]).data
    incident = idd.create(incidents_api).data
    path = f"/api/v2/cases/{case.id}/relationships/incidents"
    response = http.post(path, json={"data": {"id": "nope", "type": "incidents"}})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["source"] == {"pointer": "/data/id"}
    response = http.post(path, json={"data": {"id": idd.SOME_UUID, "type": "incidents"}})
    assert response.status_code == 404
    assert response.json()["errors"][0]["detail"] == "incident not found"
    body = {"data": {"id": incident.id, "type": "incidents"}}
    assert http.post(path, json=body).status_code == 201
    response = http.post(f"/api/v2/cases/{other.id}/relationships/incidents", json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["source"] == {"pointer": "/data/id"}


def test_deleting_a_linked_case_keeps_the_incident(
    incidents_api: IncidentsApi,
    cases_api: CaseManagementApi,
    project: dict[str, Any],
    http: httpx.Client,
    container: Container,
    server: Server,
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    incident = idd.create(incidents_api).data
    body = {"data": {"id": incident.id, "type": "incidents"}}
    assert http.post(f"/api/v2/cases/{case.id}/relationships/incidents", json=body).status_code == 201
    tines_headers = {"Authorization": f"Bearer {server.admin.app_key}"}
    number = case.attributes["case_number"]
    deleted = httpx.delete(f"{server.url}/api/v1/cases/{number}", headers=tines_headers)
    assert deleted.status_code in (200, 204), deleted.text
    assert http.get(f"/api/v2/cases/{case.id}").status_code == 404
    kept = incidents_api.get_incident(incident.id).data.attributes
    assert kept.case_id is None
    assert "incident.case_unlinked" in events_of(container, incident.id)[0]


# -- ImportIncident ----------------------------------------------------------------------


def test_import_incident_keeps_its_past(incidents_api: IncidentsApi, users_api: UsersApi) -> None:
    from datadog_api_client.v2.model.incident_import_request import IncidentImportRequest

    declarer = users_api.create_user(dd.user_request(dd.unique_email("dec"), "Dee Clarer")).data
    body = {
        "data": {
            "type": "incidents",
            "attributes": {
                "title": "Imported outage",
                "declared": "2025-05-01T10:00:00+00:00",
                "detected": "2025-05-01T09:40:00+00:00",
                "resolved": "2025-05-01T13:00:00+00:00",
                "fields": {"severity": {"type": "dropdown", "value": "SEV-3"}},
                "visibility": "private",
            },
            "relationships": {"declared_by_user": {"data": {"id": declarer.id, "type": "users"}}},
        }
    }
    imported = incidents_api.import_incident(idd.model(IncidentImportRequest, body))
    assert not imported._unparsed
    attrs = imported.data.attributes
    assert attrs.created == idd.at("2025-05-01T10:00:00+00:00")
    assert attrs.state == "resolved"
    assert attrs.severity.value == "SEV-3"
    assert attrs.visibility == "private"
    assert attrs.time_to_internal_response == 20 * 60
    assert attrs.time_to_resolve == 3 * 3600
    assert imported.data.relationships.declared_by_user.data.id == declarer.id


@pytest.mark.parametrize(
    ("attributes", "pointer"),
    [
        ({"declared": "2999-01-01T00:00:00Z"}, "/data/attributes/declared"),
        (
            {"declared": "2025-05-02T00:00:00Z", "resolved": "2025-05-01T00:00:00Z"},
            "/data/attributes/resolved",
        ),
        ({"detected": "not a time"}, "/data/attributes/detected"),
        ({"visibility": "secret"}, "/data/attributes/visibility"),
    ],
)
def test_import_incident_refuses_bad_times(
    http: httpx.Client, attributes: dict[str, Any], pointer: str
) -> None:
    body = {"data": {"type": "incidents", "attributes": {"title": "Imported", **attributes}}}
    response = http.post("/api/v2/incidents/import", json=body)
    assert response.status_code == 400, response.text
    assert dd.only_message(response).startswith(pointer), response.text


def test_list_and_search_include_users(incidents_api: IncidentsApi, server: Server) -> None:
    tag = uuid.uuid4().hex[:8]
    idd.create(incidents_api, f"{tag} included")
    listed = incidents_api.list_incidents(include=[IncidentRelatedObject.USERS], page_size=5)
    assert not listed._unparsed
    assert server.admin.user_id in {u.id for u in listed.included}
    found = incidents_api.search_incidents(tag, include=IncidentRelatedObject.USERS)
    assert not found._unparsed
    assert server.admin.user_id in {u.id for u in found.included}
