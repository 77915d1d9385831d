"""The inbox as the webhook's work queue (ADR 0062): who sent each event, the event itself
(encrypted) until it is handled, a worker's lease on it, a failed event's tries, next try and setting aside, and an
index of the pending events by sender in the order they came.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None

_PENDING = sa.text('processed_at IS NULL AND failed_at IS NULL')


def upgrade() -> None:
    with op.batch_alter_table('inbox') as batch:
        batch.add_column(sa.Column('address', sa.String(length=254), nullable=True))
        batch.add_column(sa.Column('event', sa.Text(), nullable=True))
        batch.add_column(sa.Column('claimed_until', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('attempts', sa.Integer(), server_default='0',
                                   nullable=False))
        batch.add_column(sa.Column('next_attempt_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('failed_at', sa.DateTime(), nullable=True))
    op.create_index('ix_inbox_pending', 'inbox', ['source', 'address', 'received_at', 'id'],
                    unique=False, sqlite_where=_PENDING, postgresql_where=_PENDING)


def downgrade() -> None:
    op.drop_index('ix_inbox_pending', table_name='inbox')
    with op.batch_alter_table('inbox') as batch:
        batch.drop_column('failed_at')
        batch.drop_column('next_attempt_at')
        batch.drop_column('attempts')
        batch.drop_column('claimed_until')
        batch.drop_column('event')
        batch.drop_column('address')
