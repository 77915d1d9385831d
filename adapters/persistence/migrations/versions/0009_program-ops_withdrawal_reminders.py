"""A program's withdrawal reason; reminders to households that have not answered

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('benefit_programs') as batch:
        batch.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=False,
                                   server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('benefit_programs') as batch:
        batch.drop_column('withdrawal_reason')
