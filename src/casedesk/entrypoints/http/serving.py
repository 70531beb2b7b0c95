"""How uvicorn serves the application, the same for `casedesk serve` and the tests."""

from __future__ import annotations

from typing import Any

import uvicorn

# No `server: uvicorn` banner: it tells a scanner what to try, and the client nothing.
SERVER_OPTIONS: dict[str, Any] = {"server_header": False}


def config(app: Any, *, host: str, port: int, **options: Any) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, **SERVER_OPTIONS, **options)
