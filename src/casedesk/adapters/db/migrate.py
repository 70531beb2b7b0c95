"""Runs the Alembic migrations that ship inside the package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).parent / "migrations"

# Indexes migration 0006 creates only where PostgreSQL has the pg_trgm extension. They are not
# on `metadata` (a database without the extension must still match it), so a comparison with
# the metadata must not read them as strays to drop.
OPTIONAL_INDEXES = frozenset({"ix_cases_title_trgm", "ix_cases_description_trgm", "ix_cases_key_trgm"})


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic's filter of what autogenerate compares: everything but the optional indexes."""
    return not (type_ == "index" and reflected and name in OPTIONAL_INDEXES)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def upgrade_to_head(engine: Engine) -> None:
    # "heads": independent branches (features developed side by side) all apply.
    command.upgrade(alembic_config(engine), "heads")
