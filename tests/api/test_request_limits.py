"""The server's default limits, over real HTTP: bodies over 1 MiB are refused before they are
read, case attributes and search queries are bounded, and each refusal is a 4xx in the
dialect's own body."""

from __future__ import annotations

import json
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi

from tests.api import dd
from tests.api import tines as t
from tests.support import Server

MIB = 1024 * 1024


def datadog_message(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    [message] = response.json()["errors"]
    assert isinstance(message, str)
    return message


# -- body size -------------------------------------------------------------------------


def test_a_6_mb_attribute_body_is_refused_with_413_and_changes_nothing(
    cases_api: CaseManagementApi, http: httpx.Client, project: dict[str, Any]
) -> None:
    case = dd.create_case(cases_api, project["id"]).data
    before = http.get(f"/api/v2/cases/{case.id}").json()["data"]
    huge = {f"k{i}": ["x" * 1000] * 60 for i in range(100)}  # about 6 MB of JSON
    started = time.monotonic()
    with pytest.raises(ApiException) as refused:
        cases_api.update_attributes(case.id, dd.attributes_request(huge))
    assert refused.value.status == 413
    [message] = dd.error_messages(refused.value)
    assert message == f"the request body is larger than the {MIB} bytes allowed"
    assert time.monotonic() - started < 10
    assert http.get(f"/api/v2/cases/{case.id}").json()["data"] == before


def raw_exchange(server: Server, head: bytes, body: bytes) -> bytes:
    """Sends `head` and `body` on a new connection, then reads the answer until the server
    closes the connection. Whatever the head declares beyond `body` is never sent."""
    address = urlsplit(server.url)
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(head + body)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            # Closing with part of the body unread resets the connection, after the answer.
            assert answer, "the connection was reset before any answer"
        return answer


def status_and_body(answer: bytes) -> tuple[int, bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v2/cases", b'{"errors":["the request body is larger than the 1048576 bytes allowed"]}'),
        (
            "/api/v1/cases",
            b'{"error":{"type":"payload_too_large",'
            b'"message":"the request body is larger than the 1048576 bytes allowed","field":null}}',
        ),
    ],
)
def test_a_declared_100_mb_body_is_refused_before_it_is_sent(server: Server, path: str, body: bytes) -> None:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: casedesk\r\nContent-Type: application/json\r\n"
        f"Content-Length: {100 * 1000 * 1000}\r\n\r\n"
    ).encode()
    # No key: the refusal comes before authentication, and only this prefix is ever sent.
    status, answer = status_and_body(raw_exchange(server, head, b'{"data": {"attributes": {"title": "'))
    assert status == 413
    assert answer == body


def test_a_chunked_body_is_refused_once_it_crosses_the_limit(server: Server) -> None:
    head = (
        b"POST /api/v2/cases HTTP/1.1\r\nHost: casedesk\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    piece = b"x" * 65536
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for _ in range(17))  # 1 MiB + 64 KiB
    # The last chunk (`0\r\n\r\n`) is never sent: the answer comes while the body is open.
    status, answer = status_and_body(raw_exchange(server, head, chunks))
    assert status == 413
    assert b"larger than the 1048576 bytes allowed" in answer


def test_a_body_just_under_the_limit_is_read(http: httpx.Client, project: dict[str, Any]) -> None:
    body = json.dumps(dd.create_body(project["id"], "Near the limit", description="x" * 100_000))
    padded = body + " " * (MIB - len(body))  # JSON allows the trailing blanks
    assert len(padded) == MIB
    response = http.post("/api/v2/cases", content=padded, headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.text


# -- what a case holds --------------------------------------------------------------------


@pytest.fixture
def case_id(cases_api: CaseManagementApi, project: dict[str, Any]) -> str:
    return str(dd.create_case(cases_api, project["id"]).data.id)


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        (
            {f"k{i}": ["v"] for i in range(101)},
            "/data/attributes/attributes: a case holds at most 100 attributes",
        ),
        (
            {"env": [f"v{i}" for i in range(101)]},
            "/data/attributes/attributes/env: attribute 'env' has more than 100 values",
        ),
        (
            {"team/a": ["x" * 201]},
            "/data/attributes/attributes/team~1a: "
            "values of attribute 'team/a' must be at most 200 characters",
        ),
        (
            {"k" * 101: ["v"]},
            f"/data/attributes/attributes/{'k' * 101}: "
            f"attribute key '{'k' * 40}' must be 1 to 100 characters",
        ),
        (
            {"tags": [f"t{i}" for i in range(101)]},
            "/data/attributes/attributes/tags: a case holds at most 100 tags",
        ),
    ],
)
def test_attribute_limits_are_400s_pointing_at_the_attribute(
    cases_api: CaseManagementApi,
    http: httpx.Client,
    case_id: str,
    attributes: dict[str, list[str]],
    expected: str,
) -> None:
    with pytest.raises(ApiException) as refused:
        cases_api.update_attributes(case_id, dd.attributes_request(attributes))
    assert refused.value.status == 400
    assert dd.error_messages(refused.value) == [expected]
    assert http.get(f"/api/v2/cases/{case_id}").json()["data"]["attributes"]["attributes"] == {}


def test_the_most_a_case_holds_is_accepted(cases_api: CaseManagementApi, case_id: str) -> None:
    attributes = {f"k{i}": [f"v{j}" for j in range(100)] for i in range(100)}
    attributes["tags"] = [f"t{i}" for i in range(100)]
    done = cases_api.update_attributes(case_id, dd.attributes_request(attributes))
    assert len(done.data.attributes.attributes.to_dict()) == 101


def test_the_tag_limit_holds_for_tines_tag_names_too(tines: httpx.Client, team: dict[str, Any]) -> None:
    refused = tines.post(
        "/api/v1/cases",
        json={"team_id": team["id"], "name": "Tagged", "tag_names": [f"t{i}" for i in range(101)]},
    )
    error = t.error(refused, 400)
    assert error["field"] == "tag_names"
    assert error["message"] == "a case holds at most 100 tags"


# -- search queries -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "complaint"),
    [
        (" OR ".join(f"*word{i}*" for i in range(150)), "the query has more than 10 wildcard terms"),
        (" OR ".join(f"word{i}" for i in range(51)), "the query has more than 50 terms"),
        ("(" * 11 + "disk" + ")" * 11, "the query nests deeper than 10 levels"),
        ("title:" + "x" * 4091, "the query is longer than 4096 characters"),
    ],
)
def test_costly_search_queries_are_400s_on_the_filter(
    cases_api: CaseManagementApi, query: str, complaint: str
) -> None:
    with pytest.raises(ApiException) as refused:
        cases_api.search_cases(filter=query)
    assert refused.value.status == 400
    [message] = dd.error_messages(refused.value)
    assert message.startswith(f'parameter "filter": {complaint}'), message


def test_a_search_at_the_limits_runs(cases_api: CaseManagementApi) -> None:
    query = " OR ".join([*(f"*word{i}*" for i in range(10)), *(f"word{i}" for i in range(40))])
    assert cases_api.search_cases(filter=query).data is not None


def test_the_count_filter_is_bounded_too(http: httpx.Client) -> None:
    query = " OR ".join(f"*word{i}*" for i in range(150))
    message = datadog_message(http.get("/api/v2/cases/count", params={"query_filter": query}), 400)
    assert message.startswith('parameter "query_filter": the query has more than')


# -- HTTP hygiene -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("PUT", "/api/v2/cases", "GET, POST"),
        ("PUT", "/api/v2/cases/projects/ABC", "DELETE, GET, PATCH"),
        ("DELETE", "/api/v2/cases/projects", "GET, POST"),
        ("DELETE", "/api/v1/cases", "GET, POST"),
    ],
)
def test_a_405_lists_every_method_the_path_takes(
    http: httpx.Client, method: str, path: str, allowed: str
) -> None:
    response = http.request(method, path)
    assert response.status_code == 405, response.text
    assert response.headers["allow"] == allowed
    if path.startswith("/api/v1"):
        assert t.error(response, 405)["type"] == "method_not_allowed"
    else:
        assert datadog_message(response, 405) == "Method Not Allowed"


@pytest.mark.parametrize("path", ["/api/v2/cases", "/api/v1/cases", "/api/v2/nowhere", "/healthz", "/docs"])
def test_every_answer_says_nosniff_and_no_referrer_and_names_no_server(http: httpx.Client, path: str) -> None:
    response = http.get(path)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert "server" not in response.headers
    assert "date" in response.headers


def test_the_docs_pages_may_run_only_their_own_scripts(http: httpx.Client) -> None:
    import base64
    import hashlib
    import re

    swagger = http.get("/docs")
    [inline] = re.findall(r"<script>(.*?)</script>", swagger.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    policy = swagger.headers["content-security-policy"]
    assert "default-src 'none'" in policy
    assert f"script-src 'self' 'sha256-{digest}';" in policy
    assert "frame-ancestors 'none'" in policy
    redoc = http.get("/redoc").headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-eval';" in redoc
    assert "worker-src 'self' blob:" in redoc


def test_json_answers_carry_the_rate_limit_headers(http: httpx.Client) -> None:
    headers = http.get("/api/v2/cases").headers
    assert int(headers["x-ratelimit-limit"]) > 0
    assert int(headers["x-ratelimit-remaining"]) < int(headers["x-ratelimit-limit"])
    assert int(headers["x-ratelimit-period"]) > 0
    assert 0 < int(headers["x-ratelimit-reset"]) <= int(headers["x-ratelimit-period"])
    assert headers["x-ratelimit-name"] == "casedesk_api"
