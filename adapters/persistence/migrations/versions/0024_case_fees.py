"""A procedure's fee (ADR 0053): the fee waiting to be paid (with the answers, encrypted, until
the case is opened), then the record of its payment beside its case. Unique references keep a
fee from being paid or refunded twice, and a case from having two fees.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'fee_payments',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('procedure_id', sa.String(length=64), nullable=False),
        sa.Column('identity_id', sa.String(length=32), nullable=False),
        sa.Column('resident_id', sa.String(length=32), nullable=True),
        sa.Column('conversation_id', sa.String(length=32), nullable=True),
        sa.Column('label', sa.String(length=40), nullable=False),
        sa.Column('unit_amount', sa.Integer(), nullable=False),
        sa.Column('quantity', sa.Integer(), nullable=False),
        sa.Column('unit', sa.String(length=5), nullable=False),
        sa.Column('answers', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('case_id', sa.String(length=32), nullable=True),
        sa.Column('payment_state', sa.String(length=32), nullable=False),
        sa.Column('payment_reference', sa.String(length=64), nullable=True),
        sa.Column('payment_provider', sa.String(length=16), nullable=True),
        sa.Column('payment_provider_id', sa.String(length=64), nullable=True),
        sa.Column('payment_url', sa.Text(), nullable=True),
        sa.Column('payment_id', sa.String(length=64), nullable=True),
        sa.Column('payment_attempts', sa.Integer(), nullable=False),
        sa.Column('payment_started_at', sa.DateTime(), nullable=True),
        sa.Column('paid_at', sa.DateTime(), nullable=True),
        sa.Column('refund_reference', sa.String(length=80), nullable=True),
        sa.Column('refunded_at', sa.DateTime(), nullable=True),
        sa.Column('refunded_by', sa.String(length=128), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['identity_id'], ['channel_identities.id'],
                                name='fk_fee_payments_identity_id_channel_identities'),
        sa.ForeignKeyConstraint(['resident_id'], ['residents.id'],
                                name='fk_fee_payments_resident_id_residents'),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name='fk_fee_payments_case_id_cases'),
        sa.PrimaryKeyConstraint('id', name='pk_fee_payments'),
        sa.UniqueConstraint('case_id', name='uq_fee_payments_case_id'),
        sa.UniqueConstraint('payment_reference', name='uq_fee_payments_payment_reference'),
        sa.UniqueConstraint('refund_reference', name='uq_fee_payments_refund_reference'),
    )
    op.create_index('ix_fee_payments_pending', 'fee_payments',
                    ['payment_state', 'payment_started_at'])
    op.create_index('ix_fee_payments_unpaid', 'fee_payments', ['payment_state', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_fee_payments_unpaid', table_name='fee_payments')
    op.drop_index('ix_fee_payments_pending', table_name='fee_payments')
    op.drop_table('fee_payments')
