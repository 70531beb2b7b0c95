"""The words cases are titled with and searched for, and the bulk seeding of cases to search."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, insert, update
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from casedesk.adapters.db import case_numbers
from casedesk.adapters.db.rows import case_to_row
from casedesk.adapters.db.schema import core as t
from casedesk.domain.cases.case import Case
from casedesk.domain.vocab import STANDARD_CASE_TYPE_ID, CaseStatus, Priority

# Each title holds two of these words, so one search term matches about an eighth of the cases.
WORDS = (
    "disk",
    "network",
    "latency",
    "login",
    "certificate",
    "memory",
    "backup",
    "firewall",
    "database",
    "timeout",
    "phishing",
    "malware",
    "quota",
    "replica",
    "deploy",
    "billing",
)
PRIORITIES = ("P1", "P2", "P3", "P4", "P5", "NOT_DEFINED")
SEED_BATCH = 1000


def title(n: int) -> str:
    """A deterministic title for the n-th case; consecutive cases get different word pairs."""
    first = WORDS[n % len(WORDS)]
    second = WORDS[(n + 1 + (n // len(WORDS)) % (len(WORDS) - 1)) % len(WORDS)]
    return f"{first} {second} alert on host-{n % 997}"


def search_word(n: int) -> str:
    return WORDS[n % len(WORDS)]


def psycopg_url(url: str) -> str:
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def seed_cases(database_url: str, project_id: uuid.UUID, actor_id: uuid.UUID, count: int) -> None:
    """Inserts `count` open cases straight into the tables, numbered by the same counters the
    server uses (adapters/db/case_numbers.py), so both servers search the same rows. Only
    `cases` rows are written: search reads nothing else but the users table, which `casedesk
    init` has filled."""
    if count <= 0:
        return
    engine = create_engine(psycopg_url(database_url), poolclass=NullPool)
    start = datetime.now(UTC) - timedelta(seconds=count)
    try:
        with engine.begin() as conn:
            first_number = case_numbers.reserve(conn, count)
            project_row = (
                conn.execute(
                    update(t.projects)
                    .where(t.projects.c.id == project_id)
                    .values(last_case_number=t.projects.c.last_case_number + count)
                    .returning(t.projects.c.key, t.projects.c.last_case_number)
                )
                .mappings()
                .one()
            )
            first_in_project = int(project_row["last_case_number"]) - count + 1
            rows = [
                case_to_row(
                    Case(
                        id=uuid.uuid4(),
                        number=first_number + i,
                        project_id=project_id,
                        key=f"{project_row['key']}-{first_in_project + i}",
                        type_id=STANDARD_CASE_TYPE_ID,
                        title=title(i),
                        description=f"Seeded case {i}: look at the {search_word(i * 7 + 3)} dashboard.",
                        priority=Priority(PRIORITIES[i % len(PRIORITIES)]),
                        status=CaseStatus.OPEN,
                        created_by=actor_id,
                        created_at=start + timedelta(seconds=i),
                    )
                )
                for i in range(count)
            ]
            for offset in range(0, count, SEED_BATCH):
                conn.execute(insert(t.cases), rows[offset : offset + SEED_BATCH])
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # Fresh statistics, so the planner sees the seeded table as it is; and vacuumed, so
            # that the first server measured neither sets the new rows' hint bits nor shares
            # the machine with the autovacuum that 10,000 inserts set off a minute later.
            conn.exec_driver_sql("VACUUM (ANALYZE) cases")
    finally:
        engine.dispose()
