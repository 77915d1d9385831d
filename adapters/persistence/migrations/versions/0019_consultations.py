"""Consultations (相談, ADR 0046): the live side of a consultation case, departments' opening
hours for them, and the name residents read for a staff member (chat_name)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('staff_members', sa.Column('chat_name', sa.String(length=20), nullable=True))
    op.create_table(
        'consultations',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('department_id', sa.String(length=32), nullable=True),
        sa.Column('requested_at', sa.DateTime(), nullable=False),
        sa.Column('in_hours', sa.Boolean(), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('staff_id', sa.String(length=128), nullable=True),
        sa.Column('taken_at', sa.DateTime(), nullable=True),
        sa.Column('ended_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['id'], ['cases.id'], name='fk_consultations_id_cases'),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name='fk_consultations_department_id_departments'),
        sa.PrimaryKeyConstraint('id', name='pk_consultations'),
    )
    op.create_index('ix_consultations_status_department_id_requested_at', 'consultations',
                    ['status', 'department_id', 'requested_at'])
    op.create_table(
        'department_hours',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('weekdays', sa.String(length=7), nullable=False),
        sa.Column('opens', sa.String(length=5), nullable=False),
        sa.Column('closes', sa.String(length=5), nullable=False),
        sa.ForeignKeyConstraint(['id'], ['departments.id'],
                                name='fk_department_hours_id_departments'),
        sa.PrimaryKeyConstraint('id', name='pk_department_hours'),
    )


def downgrade() -> None:
    op.drop_table('department_hours')
    op.drop_index('ix_consultations_status_department_id_requested_at',
                  table_name='consultations')
    op.drop_table('consultations')
    op.drop_column('staff_members', 'chat_name')  # SQLite 3.35+ in place
