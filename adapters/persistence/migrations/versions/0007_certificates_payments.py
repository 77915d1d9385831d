"""Certificate requests and their payments

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

_NULLABLE = (
    ('payment_provider', sa.String(length=16)),
    ('payment_provider_id', sa.String(length=64)),
    ('payment_url', sa.Text()),
    ('payment_id', sa.String(length=64)),
    ('payment_started_at', sa.DateTime()),
    ('paid_at', sa.DateTime()),
    ('refund_reference', sa.String(length=80)),
    ('refunded_at', sa.DateTime()),
    ('issued_at', sa.DateTime()),
    ('mailed_at', sa.DateTime()),
    ('issued_by', sa.String(length=32)),
)


def upgrade() -> None:
    with op.batch_alter_table('certificate_requests') as batch:
        for name, kind in _NULLABLE:
            batch.add_column(sa.Column(name, kind, nullable=True))
        batch.add_column(sa.Column('payment_attempts', sa.Integer(), nullable=False,
                                   server_default='0'))
        batch.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch.create_unique_constraint('uq_certificate_requests_refund_reference',
                                       ['refund_reference'])
    op.create_index('ix_certificate_requests_queue', 'certificate_requests',
                    ['payment_state', 'issue_state', 'paid_at'], unique=False)
    op.create_index('ix_certificate_requests_pending', 'certificate_requests',
                    ['payment_state', 'payment_started_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_certificate_requests_pending', table_name='certificate_requests')
    op.drop_index('ix_certificate_requests_queue', table_name='certificate_requests')
    with op.batch_alter_table('certificate_requests') as batch:
        batch.drop_constraint('uq_certificate_requests_refund_reference', type_='unique')
        batch.drop_column('version')
        batch.drop_column('payment_attempts')
        for name, _kind in reversed(_NULLABLE):
            batch.drop_column(name)
