"""A large, realistic case table for the search benchmark, loaded with PostgreSQL COPY.

Users and projects are created through casedesk's API (so their numbers, handles and settings
are what casedesk makes); cases, their attribute rows and their assignee rows are streamed
straight into the tables with COPY, numbered by the same counters the server uses. The spread
(the weights below) is fixed and the generator is seeded, so every run searches the same data
and each query's selectivity is known in advance (`expected_share`).
"""

from __future__ import annotations

import io
import json
import random
import time
import uuid
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import psycopg

from bench.harness import Keys, Server
from casedesk.domain.vocab import SECURITY_CASE_TYPE_ID, STANDARD_CASE_TYPE_ID

USER_COUNT = 50
USER_DOMAIN = "bench.example"
SPAN_DAYS = 730
COPY_CHUNK_BYTES = 4 << 20

# (key, name, weight): one big project and a long tail, as teams tend to be.
PROJECTS = (("OPS", "Operations", 40), ("SEC", "Security", 25), ("NET", "Network", 15),
            ("APP", "Applications", 12), ("DATA", "Data", 8))  # fmt: skip
STATUSES = (("CLOSED", 2, 70), ("OPEN", 0, 20), ("IN_PROGRESS", 1, 10))  # (status, rank, weight)
# (priority, urgency, weight): few P1s, most cases in the middle.
PRIORITIES = (("P1", 5, 2), ("P2", 4, 8), ("P3", 3, 35), ("P4", 2, 30), ("P5", 1, 10),
              ("NOT_DEFINED", 0, 15))  # fmt: skip
ENVS = (("prod", 60), ("staging", 25), ("dev", 15))
SERVICES = tuple(f"svc-{n}" for n in range(200))
ASSIGNED_SHARE = 0.85
SECURITY_SHARE = 0.10
# What a case is about, with its weight in percent. The phrases share no word with each other
# nor with FILLER, so a free-text term matches exactly the cases of its symptom: "disk full"
# 1 %, "panic" 0.2 %, "latency" 8 %.
SYMPTOMS = (
    ("disk full", 1.0), ("high latency", 8.0), ("error rate spike", 10.0), ("pod crash loop", 6.0),
    ("certificate expiring", 2.0), ("memory pressure", 7.0), ("cpu saturation", 7.0),
    ("connection refused", 5.0), ("replica lag", 4.0), ("backup failed", 3.0),
    ("login failures", 4.0), ("quota exceeded", 3.0), ("request timeout", 8.0),
    ("packet loss", 4.0), ("deploy failed", 5.0), ("queue backlog", 5.0), ("phishing report", 2.0),
    ("malware detected", 1.8), ("suspicious sign-in", 3.0), ("kernel panic", 0.2),
    ("dns resolution errors", 4.0), ("slow queries", 4.0), ("job stuck", 3.0),
)  # fmt: skip
MONITORS = ("synthetics", "apm", "logs", "infra", "siem", "on-call", "customer", "rum")
FILLER = ("check", "the", "runbook", "graphs", "owner", "paged", "after", "hours", "since",
          "yesterday", "rollback", "maybe", "needed", "customer", "impact", "unclear", "see",
          "thread", "ticket", "linked", "again", "first", "seen", "region", "eu", "us", "west",
          "traffic", "steady", "noisy", "alert", "tuning")  # fmt: skip
RESOLVED_REASONS = ("FALSE_POSITIVE", "TRUE_POSITIVE", "BENIGN_POSITIVE", "TESTING")

CASE_COLUMNS = (
    "id", "number", "project_id", "key", "type_id", "title", "description", "priority",
    "priority_urgency", "status", "status_rank", "assignee_id", "created_by", "modified_by",
    "created_at", "modified_at", "closed_at", "closed_by", "resolved_reason", "attributes",
    "custom_attributes", "metadata", "closure_conditions",
)  # fmt: skip
NULL = "\\N"


def expected_share(values: Sequence[tuple[str, float]], wanted: str) -> float:
    total = sum(weight for _, weight in values)
    return sum(weight for name, weight in values if name == wanted) / total


@dataclass(frozen=True)
class Person:
    id: str
    email: str


@dataclass(frozen=True)
class Project:
    id: str
    key: str


@dataclass(frozen=True)
class LoadReport:
    cases: int
    attribute_rows: int
    assignee_rows: int
    copy_s: float
    vacuum_s: float
    table_mb: float


# -- users and projects, through the API -------------------------------------------------


def create_people(server: Server, keys: Keys) -> list[Person]:
    headers = {"DD-API-KEY": keys.api_key, "DD-APPLICATION-KEY": keys.app_key}
    people: list[Person] = []
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        for n in range(USER_COUNT):
            email = f"user{n:02d}@{USER_DOMAIN}"
            body = {"data": {"type": "users", "attributes": {"email": email, "name": f"User {n:02d}"}}}
            answer = client.post("/api/v2/users", json=body)
            answer.raise_for_status()
            people.append(Person(id=str(answer.json()["data"]["id"]), email=email))
    return people


def create_projects(server: Server, keys: Keys) -> list[Project]:
    headers = {"DD-API-KEY": keys.api_key, "DD-APPLICATION-KEY": keys.app_key}
    projects: list[Project] = []
    with httpx.Client(base_url=server.url, headers=headers, timeout=30) as client:
        for key, name, _weight in PROJECTS:
            body = {"data": {"type": "project", "attributes": {"name": name, "key": key}}}
            answer = client.post("/api/v2/cases/projects", json=body)
            answer.raise_for_status()
            projects.append(Project(id=str(answer.json()["data"]["id"]), key=key))
    return projects


# -- the cases, as columns ---------------------------------------------------------------


class Spread:
    """Every random choice for every case, drawn up front into compact columns, so that the
    three COPY streams (cases, attribute rows, assignee rows) agree without holding rows."""

    def __init__(self, count: int, people: int, seed: int, now: datetime) -> None:
        rng = random.Random(seed)
        self.count, self.now = count, now

        def pick(weights: Sequence[float]) -> array[int]:
            return array("H", rng.choices(range(len(weights)), weights=weights, k=count))

        self.ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count)]
        # Sorted, so that case numbers and per-project keys grow with creation time.
        self.created = array("d", sorted(rng.random() * SPAN_DAYS * 86400 for _ in range(count)))
        self.project = pick([w for _, _, w in PROJECTS])
        self.status = pick([w for _, _, w in STATUSES])
        self.priority = pick([w for _, _, w in PRIORITIES])
        self.env = pick([w for _, w in ENVS])
        self.service = array("H", (rng.randrange(len(SERVICES)) for _ in range(count)))
        self.symptom = pick([w for _, w in SYMPTOMS])
        # Assignees skewed (a few people carry more cases); 0 means unassigned.
        weights = [1 - ASSIGNED_SHARE] + [ASSIGNED_SHARE * w for w in _skewed(people)]
        self.assignee = pick(weights)
        self.creator = array("H", (rng.randrange(people) for _ in range(count)))
        self.security = array("B", (rng.random() < SECURITY_SHARE for _ in range(count)))
        # Hours until the case was worked on (closed, or last modified when still open).
        self.hours = array("d", (rng.expovariate(1 / 20) for _ in range(count)))
        self.filler = array("H", (rng.randrange(len(FILLER_SENTENCES)) for _ in range(count)))

    def created_at(self, i: int) -> datetime:
        return self.now - timedelta(seconds=SPAN_DAYS * 86400 - self.created[i])


def _skewed(n: int) -> list[float]:
    raw = [1 / (i + 1) ** 0.5 for i in range(n)]
    return [w / sum(raw) for w in raw]


def _filler_sentences() -> list[str]:
    rng = random.Random(7)
    return [" ".join(rng.choices(FILLER, k=8)) for _ in range(256)]


FILLER_SENTENCES = _filler_sentences()


def case_lines(
    spread: Spread, people: list[Person], projects: list[Project], first_number: int, first_keys: list[int]
) -> Iterator[str]:
    """COPY text lines for `cases`. No value holds a tab, newline or backslash (the words and
    JSON above have none), so nothing needs escaping."""
    next_key = list(first_keys)
    for i in range(spread.count):
        p = spread.project[i]
        key_number, next_key[p] = next_key[p], next_key[p] + 1
        status, rank, _ = STATUSES[spread.status[i]]
        priority, urgency, _ = PRIORITIES[spread.priority[i]]
        env, service = ENVS[spread.env[i]][0], SERVICES[spread.service[i]]
        symptom = SYMPTOMS[spread.symptom[i]][0]
        assignee = people[spread.assignee[i] - 1].id if spread.assignee[i] else None
        creator = people[spread.creator[i]].id
        created = spread.created_at(i)
        worked = min(created + timedelta(hours=spread.hours[i]), spread.now)
        closed = status == "CLOSED"
        closer = assignee or creator
        security = bool(spread.security[i])
        attributes = json.dumps({"env": [env], "service": [service]})
        monitor = MONITORS[i % len(MONITORS)]
        yield (
            "\t".join(
                (
                    spread.ids[i],
                    str(first_number + i),
                    projects[p].id,
                    f"{projects[p].key}-{key_number}",
                    str(SECURITY_CASE_TYPE_ID if security else STANDARD_CASE_TYPE_ID),
                    f"{symptom} on {service} ({env})",
                    f"{symptom.capitalize()} reported by {monitor} for {service} in {env}. "
                    f"{FILLER_SENTENCES[spread.filler[i]]}.",
                    priority,
                    str(urgency),
                    status,
                    str(rank),
                    assignee or NULL,
                    creator,
                    closer if closed else creator,
                    created.isoformat(),
                    worked.isoformat(),
                    worked.isoformat() if closed else NULL,
                    closer if closed else NULL,
                    RESOLVED_REASONS[i % len(RESOLVED_REASONS)] if closed and security else NULL,
                    attributes,
                    "{}",
                    "{}",
                    "[]",
                )
            )
            + "\n"
        )


def attribute_lines(spread: Spread) -> Iterator[str]:
    for i in range(spread.count):
        env, service = ENVS[spread.env[i]][0], SERVICES[spread.service[i]]
        yield f"{spread.ids[i]}\tenv\t{env}\t{env}\n{spread.ids[i]}\tservice\t{service}\t{service}\n"


def assignee_lines(spread: Spread, people: list[Person]) -> Iterator[str]:
    for i in range(spread.count):
        if spread.assignee[i]:
            yield f"{spread.ids[i]}\t{people[spread.assignee[i] - 1].id}\t0\n"


# -- loading -----------------------------------------------------------------------------


def copy_lines(cur: psycopg.Cursor[tuple[object, ...]], statement: str, lines: Iterator[str]) -> int:
    """Streams `lines` into `COPY … FROM STDIN` in chunks; answers the number of lines."""
    written, buffer = 0, io.StringIO()
    with cur.copy(statement.encode()) as copy:
        for line in lines:
            buffer.write(line)
            written += 1
            if buffer.tell() >= COPY_CHUNK_BYTES:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return written


def check_columns(cur: psycopg.Cursor[tuple[object, ...]]) -> None:
    """Fails early, naming them, if a migration added required columns this loader leaves out."""
    cur.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'cases'"
        " AND is_nullable = 'NO' AND column_default IS NULL"
    )
    missing = sorted({str(row[0]) for row in cur.fetchall()} - set(CASE_COLUMNS))
    if missing:
        raise RuntimeError(f"cases has required columns the loader does not fill: {missing}")


def load_cases(
    database_url: str,
    people: list[Person],
    projects: list[Project],
    count: int,
    seed: int,
    progress: Callable[[str], None],
) -> LoadReport:
    started = time.perf_counter()
    spread = Spread(count, len(people), seed, datetime.now(UTC))
    per_project = [0] * len(projects)
    for p in spread.project:
        per_project[p] += 1
    progress(f"drew the spread of {count} cases in {time.perf_counter() - started:.1f} s")
    with psycopg.connect(database_url) as conn, conn.cursor() as cur:
        check_columns(cur)
        # Bulk load of rows that are consistent by construction: skipping the per-row foreign
        # key triggers (3 million checks) is most of the difference between 1 and 3 minutes.
        cur.execute("SET LOCAL session_replication_role = replica")
        # The global numbers come from a sequence (adapters/db/case_numbers.py); nothing else
        # creates cases while the data set loads, so the block is consecutive.
        cur.execute("SELECT setval('case_number_seq', nextval('case_number_seq') + %s)", (count - 1,))
        first_number = _one(cur) - count + 1
        first_keys = []
        for project, added in zip(projects, per_project, strict=True):
            cur.execute(
                "UPDATE projects SET last_case_number = last_case_number + %s WHERE id = %s"
                " RETURNING last_case_number",
                (added, project.id),
            )
            first_keys.append(_one(cur) - added + 1)
        columns = ", ".join(f'"{c}"' for c in CASE_COLUMNS)
        lines = case_lines(spread, people, projects, first_number, first_keys)
        cases = copy_lines(cur, f"COPY cases ({columns}) FROM STDIN", lines)
        progress(f"copied {cases} cases at {time.perf_counter() - started:.1f} s")
        statement = "COPY case_attributes (case_id, key, value, value_folded) FROM STDIN"
        attributes = copy_lines(cur, statement, attribute_lines(spread)) * 2
        statement = "COPY case_assignees (case_id, user_id, position) FROM STDIN"
        assignees = copy_lines(cur, statement, assignee_lines(spread, people))
    copied = time.perf_counter()
    progress(f"copied attribute and assignee rows at {copied - started:.1f} s; vacuum analyze")
    vacuum_analyze(database_url)
    with psycopg.connect(database_url) as conn:
        size = _one(conn.execute("SELECT pg_total_relation_size('cases')"))
    return LoadReport(
        cases=cases,
        attribute_rows=attributes,
        assignee_rows=assignees,
        copy_s=copied - started,
        vacuum_s=time.perf_counter() - copied,
        table_mb=size / 2**20,
    )


def vacuum_analyze(database_url: str) -> None:
    """Statistics for the planner, and the visibility map a steady table has after autovacuum
    (index-only scans need it; a freshly copied table has none)."""
    with psycopg.connect(database_url, autocommit=True) as conn:
        for table in ("cases", "case_attributes", "case_assignees", "users", "projects"):
            conn.execute(f"VACUUM (ANALYZE) {table}".encode())


def _one(cur: psycopg.Cursor[tuple[object, ...]]) -> int:
    row = cur.fetchone()
    if row is None:
        raise RuntimeError("expected a row")
    return int(str(row[0]))
