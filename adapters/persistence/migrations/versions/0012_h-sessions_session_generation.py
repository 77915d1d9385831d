"""Staff sessions can be revoked: a per-staff session generation that log-out, a new password,
deactivation and an administrator's 「すべての端末からログアウト」 bump

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('staff_members') as batch:
        batch.add_column(sa.Column('session_generation', sa.Integer(), nullable=False,
                                   server_default='0'))


def downgrade() -> None:
    with op.batch_alter_table('staff_members') as batch:
        batch.drop_column('session_generation')
