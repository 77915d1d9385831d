"""Disbursement batches and the transfer files

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('payment_batches',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.String(length=32), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('transfer_date', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('approved_by', sa.String(length=64), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('exported_by', sa.String(length=64), nullable=True),
    sa.Column('exported_at', sa.DateTime(), nullable=True),
    sa.Column('export_digest', sa.String(length=64), nullable=True),
    sa.Column('originator', sa.Text(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_by', sa.String(length=64), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.Column('cancel_reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['benefit_programs.id'], name=op.f('fk_payment_batches_program_id_benefit_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_batches')),
    sa.UniqueConstraint('number', name=op.f('uq_payment_batches_number'))
    )
    op.create_index('ix_payment_batches_program_id', 'payment_batches', ['program_id'], unique=False)

    op.create_table('payment_audit_entries',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('batch_id', sa.String(length=32), nullable=True),
    sa.Column('disbursement_id', sa.String(length=32), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_audit_entries'))
    )
    op.create_index('ix_payment_audit_entries_batch_id', 'payment_audit_entries', ['batch_id'], unique=False)
    op.create_index('ix_payment_audit_entries_disbursement_id', 'payment_audit_entries', ['disbursement_id'], unique=False)

    op.create_table('cash_payouts',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('disbursement_id', sa.String(length=32), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('reference', sa.String(length=64), nullable=False),
    sa.Column('pickup_code', sa.Text(), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('picked_up_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['disbursement_id'], ['disbursements.id'], name=op.f('fk_cash_payouts_disbursement_id_disbursements')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cash_payouts')),
    sa.UniqueConstraint('reference', name=op.f('uq_cash_payouts_reference'))
    )
    op.create_index('uq_cash_payouts_issued_disbursement', 'cash_payouts', ['disbursement_id'], unique=True, sqlite_where=sa.text("state = 'issued'"), postgresql_where=sa.text("state = 'issued'"))


def downgrade() -> None:
    op.drop_index('uq_cash_payouts_issued_disbursement', table_name='cash_payouts')
    op.drop_table('cash_payouts')
    op.drop_index('ix_payment_audit_entries_disbursement_id', table_name='payment_audit_entries')
    op.drop_index('ix_payment_audit_entries_batch_id', table_name='payment_audit_entries')
    op.drop_table('payment_audit_entries')
    op.drop_index('ix_payment_batches_program_id', table_name='payment_batches')
    op.drop_table('payment_batches')
