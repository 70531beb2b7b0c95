"""The baseline: casedesk's case-create and case-search database work, and nothing else.

Same server (uvicorn with its default settings, as `casedesk serve` runs it), same driver
(psycopg 3 under a SQLAlchemy Core engine with casedesk's pool size), same tables and the same
statements, run in a thread pool as FastAPI runs casedesk's `def` routes. What it leaves out is
what the benchmark measures: authentication, request validation, domain objects, the message
bus, the re-read of the created case, the check of a pooled connection, and FastAPI's rendering.

    CASEDESK_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/DB \
        .venv/bin/python -m bench.baseline_app --port 8001 [--workers N]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import uvicorn
from sqlalchemy import (
    ColumnElement,
    Engine,
    String,
    cast,
    create_engine,
    func,
    insert,
    literal,
    literal_column,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bench.dataset import psycopg_url
from casedesk.adapters.db.schema import core as t
from casedesk.config import Settings
from casedesk.entrypoints.http.serving import SERVER_OPTIONS

# casedesk stores the urgency beside the priority for sorting (domain/vocab.py).
URGENCY = {"NOT_DEFINED": 0, "P1": 5, "P2": 4, "P3": 3, "P4": 2, "P5": 1}


TEXT_COLUMNS = (t.cases.c.title, t.cases.c.description, t.cases.c.key)


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class Baseline:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        with engine.connect() as conn:
            # No authentication: every case is created by the first user (`casedesk init`'s admin).
            self.actor: uuid.UUID = conn.execute(
                select(t.users.c.id).order_by(t.users.c.created_at).limit(1)
            ).scalar_one()

    def create_case(self, body: dict[str, Any]) -> dict[str, Any]:
        """The statements of casedesk's create, in its order, in one transaction."""
        data = body["data"]
        attributes = data["attributes"]
        project_id = uuid.UUID(data["relationships"]["project"]["data"]["id"])
        now = datetime.now(UTC)
        case_id, event_id = uuid.uuid4(), uuid.uuid4()
        priority = attributes.get("priority", "NOT_DEFINED")
        projects, cases = t.projects, t.cases
        # Both numbers drawn by the statement that inserts the case, as
        # adapters/db/case_numbers.py's insert_case does: the project's bump as a CTE.
        drawn = (
            update(projects)
            .where(projects.c.id == project_id)
            .values(last_case_number=projects.c.last_case_number + 1)
            .returning(
                t.case_number_seq.next_value().label("number"),
                (projects.c.key + "-" + cast(projects.c.last_case_number, String)).label("key"),
            )
            .cte("drawn")
        )
        given: dict[str, Any] = {
            "id": case_id,
            "project_id": project_id,
            "type_id": uuid.UUID(attributes["type_id"]),
            "title": attributes["title"],
            "description": attributes.get("description", ""),
            "priority": priority,
            "priority_urgency": URGENCY[priority],
            "status": "OPEN",
            "status_rank": 0,
            "assignee_id": None,
            "created_by": self.actor,
            "modified_by": None,
            "created_at": now,
            "modified_at": None,
            "closed_at": None,
            "archived_at": None,
            "due_date": None,
            "resolved_reason": None,
            "attributes": {},
            "custom_attributes": {},
        }
        values = [literal(value, cases.c[name].type) for name, value in given.items()]
        new_case = (
            insert(cases)
            .from_select([*given, "number", "key"], select(*values, drawn.c.number, drawn.c.key))
            .returning(cases.c.number, cases.c.key)
            .cte("new_case")
        )
        event_data = {
            "title": attributes["title"],
            "priority": priority,
            "status": "OPEN",
            "assignee_id": None,
        }
        # The event's data is given the key as it is drawn, as unit_of_work's creation does.
        data = func.jsonb_set(
            literal(event_data, JSONB), literal_column("'{key}'"), func.to_jsonb(new_case.c.key), type_=JSONB
        )
        cell: dict[str, Any] = {
            "id": event_id,
            "subject_type": "case",
            "subject_id": case_id,
            "kind": "case.created",
            "actor_id": self.actor,
            "created_at": now,
        }
        cells = select(*(literal(v, t.timeline_events.c[k].type) for k, v in cell.items()), data)
        timeline = insert(t.timeline_events).from_select([*cell, "data"], cells.select_from(new_case))
        message: dict[str, Any] = {
            "event_id": event_id,
            "kind": "case.created",
            "subject_type": "case",
            "subject_id": case_id,
            "actor_id": self.actor,
            "occurred_at": now,
            "state": "pending",
            "attempts": 0,
            "available_at": now,
        }
        rows = select(*(literal(v, t.outbox.c[k].type) for k, v in message.items()), data)
        # One statement, then COMMIT, as unit_of_work writes a plain creation: numbers, case,
        # timeline cell, outbox row and the workers' NOTIFY.
        statement = (
            insert(t.outbox)
            .from_select([*message, "payload"], rows.select_from(new_case))
            .add_cte(timeline.cte("timeline_cells"))
            .returning(
                func.pg_notify("casedesk_work", ""),
                select(new_case.c.number).scalar_subquery(),
                select(new_case.c.key).scalar_subquery(),
            )
        )
        with self.engine.connect() as conn:
            conn.begin()
            _, number, key = conn.execute(statement).one()
            conn.commit()
        return {
            "data": {
                "id": str(case_id),
                "type": "case",
                "attributes": {"key": key, "title": attributes["title"], "case_number": number},
            }
        }

    def search_cases(self, text: str | None, page_size: int, page_number: int) -> dict[str, Any]:
        """casedesk's search SQL for one plain word and the default sort (newest first): what
        adapters/db/case_filter.py compiles a bare term to, a case-folded substring match on
        the title, the description and the key."""
        condition: ColumnElement[bool] = true()
        if text and text.strip():
            pattern = f"%{like_escape(text.strip().lower())}%"
            condition = or_(*(func.lower(column).like(pattern, escape="\\") for column in TEXT_COLUMNS))
        offset = (max(page_number, 1) - 1) * page_size
        with self.engine.connect() as conn:
            total = conn.execute(select(func.count()).select_from(t.cases).where(condition)).scalar_one()
            rows = (
                conn.execute(
                    select(t.cases)
                    .where(condition)
                    .order_by(t.cases.c.created_at.desc(), t.cases.c.number.desc())
                    .limit(page_size)
                    .offset(offset)
                )
                .mappings()
                .all()
            )
        return {
            "data": [
                {
                    "id": str(r["id"]),
                    "type": "case",
                    "attributes": {
                        "key": r["key"],
                        "title": r["title"],
                        "description": r["description"],
                        "priority": r["priority"],
                        "status": r["status"],
                        "created_at": iso(r["created_at"]),
                        "case_number": r["number"],
                    },
                }
                for r in rows
            ],
            "meta": {"total_cases": total},
        }


def build_app(database_url: str, pool_size: int) -> Starlette:
    # Same pool shape as casedesk's engine (adapters/db/engine.py), without its checkout check.
    engine = create_engine(psycopg_url(database_url), pool_size=pool_size, max_overflow=pool_size // 2)
    baseline = Baseline(engine)

    async def cases(request: Request) -> JSONResponse:
        if request.method == "POST":
            body = json.loads(await request.body())
            return JSONResponse(await run_in_threadpool(baseline.create_case, body), status_code=201)
        query = request.query_params
        page = await run_in_threadpool(
            baseline.search_cases,
            query.get("filter"),
            int(query.get("page[size]", "10")),
            int(query.get("page[number]", "0")),
        )
        return JSONResponse(page)

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        engine.dispose()

    return Starlette(
        routes=[
            Route("/api/v2/cases", cases, methods=["GET", "POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
    )


def create() -> Starlette:
    """ASGI factory for uvicorn's worker processes; reads casedesk's own settings."""
    settings = Settings()
    return build_app(settings.database_url, settings.db_pool_size)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    # Started exactly as `casedesk serve` starts uvicorn, so the servers differ only in the app.
    if args.workers > 1:
        uvicorn.run(
            "bench.baseline_app:create",
            factory=True,
            host=args.host,
            port=args.port,
            workers=args.workers,
            **SERVER_OPTIONS,
        )
    else:
        uvicorn.run(create(), host=args.host, port=args.port, **SERVER_OPTIONS)


if __name__ == "__main__":
    main()
