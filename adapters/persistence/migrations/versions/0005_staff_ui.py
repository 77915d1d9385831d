"""Staff web UI: sign-in state and the hash-chained audit log

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff_sign_ins',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('failed_attempts', sa.Integer(), nullable=False),
        sa.Column('locked_until', sa.DateTime(), nullable=True),
        sa.Column('totp_secret', sa.Text(), nullable=True),
        sa.Column('totp_last_step', sa.Integer(), nullable=True),
        sa.Column('last_sign_in_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['id'], ['staff_members.id'],
                                name='fk_staff_sign_ins_id_staff_members'),
        sa.PrimaryKeyConstraint('id', name='pk_staff_sign_ins'),
    )
    op.create_table(
        'audit_log',
        sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor_id', sa.String(length=32), nullable=False),
        sa.Column('actor_label', sa.String(length=64), nullable=False),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('target_type', sa.String(length=32), nullable=False),
        sa.Column('target_id', sa.String(length=64), nullable=False),
        sa.Column('ip', sa.String(length=64), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('seq', name='pk_audit_log'),
        sa.UniqueConstraint('prev_hash', name='uq_audit_log_prev_hash'),
        sa.UniqueConstraint('hash', name='uq_audit_log_hash'),
    )
    op.create_index('ix_audit_log_at', 'audit_log', ['at'], unique=False)
    op.create_index('ix_audit_log_actor_label', 'audit_log', ['actor_label'], unique=False)
    op.create_index('ix_audit_log_action', 'audit_log', ['action'], unique=False)
    op.create_index('ix_audit_log_target_type_target_id', 'audit_log',
                    ['target_type', 'target_id'], unique=False)
    op.create_table(
        'audit_head',
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_audit_head'),
    )


def downgrade() -> None:
    op.drop_table('audit_head')
    op.drop_index('ix_audit_log_target_type_target_id', table_name='audit_log')
    op.drop_index('ix_audit_log_action', table_name='audit_log')
    op.drop_index('ix_audit_log_actor_label', table_name='audit_log')
    op.drop_index('ix_audit_log_at', table_name='audit_log')
    op.drop_table('audit_log')
    op.drop_table('staff_sign_ins')
