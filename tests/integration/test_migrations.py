"""The migrations build exactly the schema the code declares, so autogenerate proposes nothing."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from casedesk.adapters.db.engine import build_engine
from casedesk.adapters.db.migrate import include_object, upgrade_to_head
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
