"""The indexes the staff list pages read at a town's scale: each page's rows found and ordered
by one index, a page at a time (ADR 0067).

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-05
"""

from alembic import op

revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

_INDEXES = (
    ('ix_association_members_joined', 'association_members',
     ['association_id', 'joined_at', 'id']),
    ('ix_applications_program_channel_confirmed', 'applications',
     ['program_id', 'channel', 'confirmed_at', 'id']),
    ('ix_applications_program_notice', 'applications', ['program_id', 'notice_message_id']),
    ('ix_applications_status', 'applications', ['status']),
    ('ix_cases_status_updated_at', 'cases', ['status', 'updated_at']),
    ('ix_residents_verification_state', 'residents', ['verification_state']),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns, unique=False)
    # SQLite plans from the statistics ANALYZE left: an index without any looks cheaper than
    # those measured and was chosen to sort 200,000 applications. Measure the new ones.
    dialect = op.get_bind().dialect.name
    for name, table, _columns in _INDEXES:
        op.execute(f"ANALYZE {name}" if dialect == "sqlite" else f"ANALYZE {table}")


def downgrade() -> None:
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
