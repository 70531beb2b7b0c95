"""Runs the Alembic migrations that ship inside the package.

Every command migrates first, so a fresh install needs no separate step. Importing Alembic
and reading its scripts is most of what a short command such as `casedesk keys create`
costs, so a database already at `HEADS` is recognised with one query and Alembic is not
loaded at all.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"

# The newest revision of each branch in migrations/versions; a test holds it equal to what
# Alembic reads there, so a new migration that does not update it fails the suite.
HEADS = frozenset({"0012"})

# Indexes migration 0006 creates only where PostgreSQL has the pg_trgm extension. They are not
# on `metadata` (a database without the extension must still match it), so a comparison with
# the metadata must not read them as strays to drop.
OPTIONAL_INDEXES = frozenset({"ix_cases_title_trgm", "ix_cases_description_trgm", "ix_cases_key_trgm"})


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's filter of what autogenerate compares: everything but the optional indexes."""
    return not (type_ == "index" and reflected and name in OPTIONAL_INDEXES)


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine) -> None:
    if applied(engine) == HEADS:
        return
    from alembic import command

    # "heads": independent branches (features developed side by side) all apply.
    command.upgrade(alembic_config(engine), "heads")


def applied(engine: Engine) -> frozenset[str]:
    """The revisions the database records as applied; none on a database never migrated."""
    try:
        with engine.connect() as conn:
            return frozenset(
                str(row[0]) for row in conn.execute(text("SELECT version_num FROM alembic_version"))
            )
    except DBAPIError:
        return frozenset()
