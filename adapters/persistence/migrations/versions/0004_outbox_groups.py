"""Outbox: the key of a group send, so a retried group goes whole under the same key

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox') as batch:
        batch.add_column(sa.Column('group_key', sa.String(length=40), nullable=True))
    op.create_index('ix_outbox_group_key', 'outbox', ['group_key'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_outbox_group_key', table_name='outbox')
    with op.batch_alter_table('outbox') as batch:
        batch.drop_column('group_key')
