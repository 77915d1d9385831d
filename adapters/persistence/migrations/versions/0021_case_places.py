"""The point of a case's place (ADR 0048): latitude and longitude of the first place the
resident answered, for the map of open cases (nullable: an address alone has no point); and
indexes that give the inbox list and the map their newest cases without a sort.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('latitude', sa.Float(), nullable=True))
        batch.add_column(sa.Column('longitude', sa.Float(), nullable=True))
    op.create_index('ix_cases_department_id_created_at_id', 'cases',
                    ['department_id', 'created_at', 'id'])
    op.create_index('ix_cases_created_at_id', 'cases', ['created_at', 'id'])


def downgrade() -> None:
    op.drop_index('ix_cases_created_at_id', table_name='cases')
    op.drop_index('ix_cases_department_id_created_at_id', table_name='cases')
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('longitude')
        batch.drop_column('latitude')
