"""The town's inbox (ADR 0042): departments (課) and their members, cases (案件) with a number
residents quote, and each case's thread (the resident's messages, staff replies, notes)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'departments',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('name', sa.String(length=50), nullable=False),
        sa.Column('alert_email', sa.String(length=254), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name='pk_departments'),
        sa.UniqueConstraint('name', name='uq_departments_name'),
    )
    op.create_table(
        'department_members',
        sa.Column('department_id', sa.String(length=32), nullable=False),
        sa.Column('staff_id', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name='fk_department_members_department_id_departments'),
        sa.ForeignKeyConstraint(['staff_id'], ['staff_members.id'],
                                name='fk_department_members_staff_id_staff_members'),
        sa.PrimaryKeyConstraint('department_id', 'staff_id', name='pk_department_members'),
    )
    op.create_index('ix_department_members_staff_id', 'department_members', ['staff_id'])
    op.create_table(
        'cases',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('number', sa.String(length=16), nullable=False),
        sa.Column('department_id', sa.String(length=32), nullable=True),
        sa.Column('procedure_id', sa.String(length=64), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('identity_id', sa.String(length=32), nullable=False),
        sa.Column('resident_id', sa.String(length=32), nullable=True),
        sa.Column('conversation_id', sa.String(length=32), nullable=True),
        sa.Column('answers', sa.Text(), nullable=False),
        sa.Column('photos', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=32), nullable=False),
        sa.Column('assignee_id', sa.String(length=128), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('holds_the_chat', sa.Boolean(), nullable=False),
        sa.Column('resident_waiting', sa.Boolean(), nullable=False),
        sa.Column('acknowledged', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name='fk_cases_department_id_departments'),
        sa.ForeignKeyConstraint(['identity_id'], ['channel_identities.id'],
                                name='fk_cases_identity_id_channel_identities'),
        sa.ForeignKeyConstraint(['resident_id'], ['residents.id'],
                                name='fk_cases_resident_id_residents'),
        sa.PrimaryKeyConstraint('id', name='pk_cases'),
        sa.UniqueConstraint('number', name='uq_cases_number'),
    )
    op.create_index('ix_cases_department_id_status_created_at', 'cases',
                    ['department_id', 'status', 'created_at'])
    op.create_index('ix_cases_identity_id_holds_the_chat', 'cases',
                    ['identity_id', 'holds_the_chat'])
    op.create_table(
        'case_entries',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('case_id', sa.String(length=32), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('photo_ref', sa.String(length=128), nullable=True),
        sa.Column('staff_id', sa.String(length=128), nullable=True),
        sa.Column('outbox_id', sa.String(length=32), nullable=True),
        sa.Column('request_key', sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'],
                                name='fk_case_entries_case_id_cases'),
        sa.PrimaryKeyConstraint('id', name='pk_case_entries'),
        sa.UniqueConstraint('request_key', name='uq_case_entries_request_key'),
    )
    op.create_index('ix_case_entries_case_id_at', 'case_entries', ['case_id', 'at'])


def downgrade() -> None:
    op.drop_index('ix_case_entries_case_id_at', table_name='case_entries')
    op.drop_table('case_entries')
    op.drop_index('ix_cases_identity_id_holds_the_chat', table_name='cases')
    op.drop_index('ix_cases_department_id_status_created_at', table_name='cases')
    op.drop_table('cases')
    op.drop_index('ix_department_members_staff_id', table_name='department_members')
    op.drop_table('department_members')
    op.drop_table('departments')
