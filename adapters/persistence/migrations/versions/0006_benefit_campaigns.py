"""Benefit programs: eligibility lists, campaigns and applications' accounts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications') as batch:
        batch.add_column(sa.Column('offered_account', sa.Text(), nullable=True))
        batch.add_column(sa.Column('notice_message_id', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('account_conversation_id', sa.String(length=32),
                                   nullable=True))
        batch.add_column(sa.Column('passbook_photo', sa.String(length=128), nullable=True))
        batch.add_column(sa.Column('account_checked_by', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('account_checked_at', sa.DateTime(), nullable=True))
        batch.add_column(sa.Column('entered_by', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                   server_default='1'))
        batch.create_unique_constraint('uq_applications_notice_message_id',
                                       ['notice_message_id'])
        batch.create_unique_constraint('uq_applications_account_conversation_id',
                                       ['account_conversation_id'])
        batch.create_index('ix_applications_household_id_status', ['household_id', 'status'],
                           unique=False)
    op.create_table(
        'eligible_households',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('program_id', sa.String(length=32), nullable=False),
        sa.Column('household_id', sa.String(length=32), nullable=False),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.Column('source_row', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['household_id'], ['households.id'],
                                name='fk_eligible_households_household_id_households'),
        sa.ForeignKeyConstraint(['program_id'], ['benefit_programs.id'],
                                name='fk_eligible_households_program_id_benefit_programs'),
        sa.PrimaryKeyConstraint('id', name='pk_eligible_households'),
        sa.UniqueConstraint('program_id', 'household_id',
                            name='uq_eligible_households_program_id_household_id'),
    )
    op.create_table(
        'campaigns',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('program_id', sa.String(length=32), nullable=False),
        sa.Column('job_id', sa.String(length=32), nullable=False),
        sa.Column('started_by', sa.String(length=32), nullable=False),
        sa.Column('started_at', sa.DateTime(), nullable=False),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name='fk_campaigns_job_id_jobs'),
        sa.ForeignKeyConstraint(['program_id'], ['benefit_programs.id'],
                                name='fk_campaigns_program_id_benefit_programs'),
        sa.PrimaryKeyConstraint('id', name='pk_campaigns'),
        sa.UniqueConstraint('job_id', name='uq_campaigns_job_id'),
    )
    op.create_index('ix_campaigns_program_id', 'campaigns', ['program_id'], unique=False)
    op.create_table(
        'attachments',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('ref', sa.String(length=128), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('fetched_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name='pk_attachments'),
        sa.UniqueConstraint('ref', name='uq_attachments_ref'),
    )


def downgrade() -> None:
    op.drop_table('attachments')
    op.drop_index('ix_campaigns_program_id', table_name='campaigns')
    op.drop_table('campaigns')
    op.drop_table('eligible_households')
    with op.batch_alter_table('applications') as batch:
        batch.drop_index('ix_applications_household_id_status')
        batch.drop_constraint('uq_applications_account_conversation_id', type_='unique')
        batch.drop_constraint('uq_applications_notice_message_id', type_='unique')
        for column in ('version', 'entered_by', 'account_checked_at', 'account_checked_by',
                       'passbook_photo', 'account_conversation_id', 'notice_message_id',
                       'offered_account'):
            batch.drop_column(column)
