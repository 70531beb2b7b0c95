"""The migrations build exactly the schema the code declares, so autogenerate proposes nothing."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine

from casedesk.adapters.db.engine import build_engine
from casedesk.adapters.db.migrate import HEADS, alembic_config, applied, include_object, upgrade_to_head
from casedesk.adapters.db.schema import metadata
from tests.support import throwaway_database


def test_the_migrated_database_matches_the_metadata() -> None:
    with throwaway_database() as url:
        engine = build_engine(url)
        try:
            upgrade_to_head(engine)
            with engine.connect() as conn:
                context = MigrationContext.configure(
                    conn,
                    opts={
                        "compare_type": True,
                        "compare_server_default": True,
                        "include_object": include_object,
                    },
                )
                differences = compare_metadata(context, metadata)
        finally:
            engine.dispose()
    assert differences == []


def test_heads_names_the_newest_revision_of_every_branch() -> None:
    """A database at HEADS is taken as migrated without Alembic, so HEADS must be exact."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))
    assert set(scripts.get_heads()) == HEADS


def test_a_database_at_heads_is_recognised_and_a_fresh_one_is_not() -> None:
    with throwaway_database() as url:
        engine = build_engine(url)
        try:
            assert applied(engine) == frozenset()
            upgrade_to_head(engine)
            assert applied(engine) == HEADS
            upgrade_to_head(engine)  # at heads: nothing to do, and nothing fails
            assert applied(engine) == HEADS
        finally:
            engine.dispose()
