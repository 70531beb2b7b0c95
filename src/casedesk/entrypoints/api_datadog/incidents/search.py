"""The facets of an incident search, in the shape of `IncidentSearchResponseFacetsData`."""

from __future__ import annotations

from typing import Any

from casedesk.services.ports.incidents import FacetCount, IncidentFacets

USER_FACETS = ("commander", "created_by", "last_modified_by", "responder")
VALUE_FACETS = ("state", "severity", "impact", "postmortem")


def _user_facet(entry: FacetCount) -> dict[str, Any]:
    user = entry.user
    return {
        "uuid": entry.name,
        "count": entry.count,
        "name": user.name if user else "",
        "email": user.email if user else "",
        "handle": user.handle if user else "",
    }


def facets_document(facets: IncidentFacets) -> dict[str, Any]:
    document: dict[str, Any] = {
        name: [{"name": e.name, "count": e.count} for e in facets.counts.get(name, [])]
        for name in VALUE_FACETS
    }
    for name in USER_FACETS:
        document[name] = [_user_facet(e) for e in facets.counts.get(name, [])]
    document["fields"] = [
        {"name": name, "facets": [{"name": e.name, "count": e.count} for e in entries]}
        for name, entries in sorted(facets.fields.items())
    ]
    for name, (low, high) in sorted(facets.ranges.items()):
        document[name] = [{"name": name, "aggregates": {"min": low, "max": high}}]
    return document
