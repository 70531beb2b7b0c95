"""What project access costs a search: p50 of a search as a standard user, with and without one
restricted project among many.

    .venv/bin/python -m bench.access_cost [--database-url URL] [--projects N] [--cases N] [--repeat N]

Runs the real HTTP app in this process (as `bench.request_cost` does) on a throwaway database,
creates `--projects` projects and seeds `--cases` cases spread over the first twenty, then, one
request at a time over a keep-alive connection, sends `GET /api/v2/cases?filter=<word>` as:

- admin: an admin, who sees everything: no lookup and no predicate, search as it was before
  projects could be restricted;
- open: a standard user while no project is restricted: one lookup of the hidden projects (it
  finds none) and no predicate;
- restricted: the same user once one project holding cases is restricted and they are no
  member of it: the lookup, and `project_id NOT IN (…)` on the search and its count.

Admin and user requests alternate one by one, and the phases (open, restricted) alternate
`--rounds` times, so that drift in the machine's load falls on every figure alike; each figure
is the median over every round, and each ratio compares the user with the admin requests
interleaved with theirs. The target: restricted at most 1.1 times the admin's search.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import httpx

from bench.dataset import WORDS, seed_cases
from bench.request_cost import DEFAULT_URL, database, serving
from casedesk.bootstrap import Container, bootstrap
from casedesk.config import Settings
from casedesk.domain import users as uc
from casedesk.domain.projects import commands as pc
from casedesk.domain.users import IssuedKeys, Principal, Role
from casedesk.domain.vocab import Scope

TARGET = 1.1
SEEDED_PROJECTS = 20


def keys_for(container: Container, email: str, role: Role) -> tuple[Principal, IssuedKeys]:
    user_id = container.bus.handle(uc.CreateUser(email=email, name=email, role=role), Principal.operator())
    keys: IssuedKeys = container.bus.handle(
        uc.CreateKeys(user_email=email, scopes=Scope.default(), name="bench"), Principal.operator()
    )
    return Principal(user_id=user_id, email=email, scopes=role.allows, role=role), keys


def search_ms(client: httpx.Client, n: int) -> float:
    started = time.perf_counter()
    answer = client.get("/api/v2/cases", params={"filter": WORDS[n % len(WORDS)], "page[size]": 25})
    elapsed = (time.perf_counter() - started) * 1000
    answer.raise_for_status()
    return elapsed


def alternate(admin: httpx.Client, user: httpx.Client, repeat: int) -> tuple[list[float], list[float]]:
    """Latencies of `repeat` searches each, admin and user taking turns (the same word each)."""
    admins, users = [], []
    for n in range(repeat):
        admins.append(search_ms(admin, n))
        users.append(search_ms(user, n))
    return admins, users


def run(url: str, projects: int, cases: int, repeat: int, rounds: int) -> dict[str, float]:
    with database(url) as database_url:
        container = bootstrap(Settings(database_url=database_url), migrate=True)
        try:
            admin, admin_keys = keys_for(container, "admin@bench.example", Role.ADMIN)
            _, user_keys = keys_for(container, "user@bench.example", Role.STANDARD)
            ids = [
                container.bus.handle(pc.CreateProject(name=f"Project {n}", key=f"P{n}"), admin)
                for n in range(projects)
            ]
            for project_id in ids[:SEEDED_PROJECTS]:
                seed_cases(database_url, project_id, admin.user_id, cases // SEEDED_PROJECTS)
            timings: dict[str, list[float]] = {key: [] for key in ("admin", "open", "admin*", "restricted")}
            with serving(container) as base:
                clients = {
                    name: httpx.Client(
                        base_url=base,
                        headers={"DD-API-KEY": keys.api_key, "DD-APPLICATION-KEY": keys.app_key},
                    )
                    for name, keys in (("admin", admin_keys), ("user", user_keys))
                }
                try:
                    alternate(clients["admin"], clients["user"], len(WORDS))  # warm-up: caches, plans
                    restricted = str(ids[0])
                    for _ in range(rounds):
                        admins, users = alternate(clients["admin"], clients["user"], repeat)
                        timings["admin"] += admins
                        timings["open"] += users
                        container.bus.handle(pc.RestrictProject(project=restricted), admin)
                        admins, users = alternate(clients["admin"], clients["user"], repeat)
                        timings["admin*"] += admins
                        timings["restricted"] += users
                        container.bus.handle(pc.RestrictProject(project=restricted, restricted=False), admin)
                finally:
                    for client in clients.values():
                        client.close()
            return {name: statistics.median(values) for name, values in timings.items()}
        finally:
            container.close()


def report(p50: dict[str, float], projects: int, cases: int) -> str:
    """Ratios are to the admin's searches interleaved with the user's (`admin*`: while the
    project was restricted)."""
    open_ratio, ratio = p50["open"] / p50["admin"], p50["restricted"] / p50["admin*"]
    verdict = "within" if ratio <= TARGET else "over"
    return "\n".join(
        [
            f"search p50, {cases} cases in {SEEDED_PROJECTS} of {projects} projects, one client:",
            f"  admin (no access control)             {p50['admin']:7.2f} ms",
            f"  standard user, no project restricted  {p50['open']:7.2f} ms   ratio {open_ratio:.3f}",
            f"  admin, while one project restricted   {p50['admin*']:7.2f} ms",
            f"  standard user, one project restricted {p50['restricted']:7.2f} ms   ratio {ratio:.3f}",
            f"restricted is {verdict} the target ratio of {TARGET} to search without access control",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.access_cost", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--database-url",
        default=DEFAULT_URL,
        help=f"a database on the PostgreSQL server to use, or 'sqlite' (default {DEFAULT_URL})",
    )
    parser.add_argument("--projects", type=int, default=1000, help="projects (default 1000)")
    parser.add_argument("--cases", type=int, default=10_000, help="cases, over 20 projects (default 10000)")
    parser.add_argument("--repeat", type=int, default=100, help="searches per turn (default 100)")
    parser.add_argument("--rounds", type=int, default=3, help="turns of the three (default 3)")
    args = parser.parse_args(argv)
    if args.projects < SEEDED_PROJECTS or args.repeat < 1 or args.rounds < 1:
        parser.error(f"--projects must be at least {SEEDED_PROJECTS}; --repeat and --rounds at least 1")
    p50 = run(args.database_url, args.projects, args.cases, args.repeat, args.rounds)
    print(report(p50, args.projects, args.cases))
    return 0


if __name__ == "__main__":
    sys.exit(main())
