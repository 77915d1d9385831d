"""Migrations: from empty to head and back, one head, and the schema the ORM expects."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from adapters.persistence import migrating
from adapters.persistence.orm import metadata

pytestmark = pytest.mark.integration


def test_migrations_upgrade_from_empty_to_head_and_back_down(engine: Engine) -> None:
    migrating.downgrade(engine, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}

    migrating.upgrade(engine, "head")

    assert migrating.current_revision(engine) == migrating.head_revision()
    assert set(metadata.tables) <= set(inspect(engine).get_table_names())


def test_the_migrated_schema_is_what_the_mapping_expects(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        differences = compare_metadata(context, metadata)
    assert differences == []


def test_there_is_one_head_and_revisions_are_numbered_in_order() -> None:
    scripts = ScriptDirectory(str(migrating.MIGRATIONS))
    assert len(scripts.get_heads()) == 1
    revisions = list(scripts.walk_revisions())  # newest first
    numbers = [int(revision.revision) for revision in revisions]
    assert numbers == sorted(numbers, reverse=True)
    for revision in revisions:
        assert revision.module.__file__.split("/")[-1].startswith(f"{revision.revision}_")
    assert revisions[0].revision == migrating.head_revision()
