"""Procedures staff build (ADR 0055): the draft, its published versions (one row per
version), and the version a conversation runs on.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'built_procedures',
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('title', sa.String(length=100), nullable=False),
        sa.Column('draft', sa.Text(), nullable=False),
        sa.Column('channels', sa.Text(), nullable=False),
        sa.Column('menu_label', sa.String(length=40), nullable=False),
        sa.Column('menu_order', sa.Integer(), nullable=True),
        sa.Column('published_version', sa.Integer(), nullable=True),
        sa.Column('published_at', sa.DateTime(), nullable=True),
        sa.Column('draft_changed', sa.Boolean(), nullable=False),
        sa.Column('withdrawn', sa.Boolean(), nullable=False),
        sa.Column('trial_code', sa.String(length=16), nullable=True),
        sa.Column('trial_expires_at', sa.DateTime(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.String(length=128), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by', sa.String(length=128), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_built_procedures'),
        sa.UniqueConstraint('trial_code', name='uq_built_procedures_trial_code'),
    )
    op.create_table(
        'procedure_versions',
        sa.Column('procedure_id', sa.String(length=64), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('template', sa.Text(), nullable=False),
        sa.Column('published_at', sa.DateTime(), nullable=False),
        sa.Column('published_by', sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(['procedure_id'], ['built_procedures.id'],
                                name='fk_procedure_versions_procedure_id_built_procedures'),
        sa.PrimaryKeyConstraint('procedure_id', 'number', name='pk_procedure_versions'),
    )
    with op.batch_alter_table('conversations') as batch:
        batch.add_column(sa.Column('procedure_version', sa.Integer(), nullable=True))
    op.create_index('ix_cases_procedure_id', 'cases', ['procedure_id'])


def downgrade() -> None:
    op.drop_index('ix_cases_procedure_id', table_name='cases')
    with op.batch_alter_table('conversations') as batch:
        batch.drop_column('procedure_version')
    op.drop_table('procedure_versions')
    op.drop_table('built_procedures')
