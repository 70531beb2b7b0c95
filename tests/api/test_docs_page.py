"""`/docs` and `/redoc` work on a machine without internet: every asset is casedesk's own."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest


class References(HTMLParser):
    """The URLs a page makes the browser load: src/href attributes, Swagger UI's `url:` and
    ReDoc's `spec-url`."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [v for k, v in attrs if k in ("src", "href", "spec-url") and v]

    def handle_data(self, data: str) -> None:
        self.urls += re.findall(r"""\burl:\s*['"]([^'"]+)['"]""", data)


@pytest.mark.parametrize(
    ("page", "script"), [("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")]
)
def test_the_page_names_no_outside_host_and_its_assets_are_served(
    http: httpx.Client, page: str, script: str
) -> None:
    response = http.get(page)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "://" not in html, "the page names an outside host"
    parser = References()
    parser.feed(html)
    assert any(url.endswith(script) for url in parser.urls), parser.urls
    assert "/openapi.json" in parser.urls
    for url in parser.urls:
        assert url.startswith("/"), url
        assert not url.startswith("//"), url
        asset = http.get(url)
        assert asset.status_code == 200, (url, asset.status_code)
        assert asset.content, url


def test_swagger_ui_does_not_send_the_document_to_a_validator(http: httpx.Client) -> None:
    # Swagger UI's default validator badge posts the document to an outside service.
    assert '"validatorUrl": null' in http.get("/docs").text
