"""A program's withdrawal reason; reminders to households that have not answered

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('benefit_programs') as batch:
        batch.add_column(sa.Column('withdrawal_reason', sa.Text(), nullable=False,
                                   server_default=''))
    op.create_table('reminders',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('program_id', sa.String(length=32), nullable=False),
    sa.Column('days_before', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('job_id', sa.String(length=32), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_reminders_job_id_jobs')),
    sa.ForeignKeyConstraint(['program_id'], ['benefit_programs.id'],
                            name=op.f('fk_reminders_program_id_benefit_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminders')),
    sa.UniqueConstraint('job_id', name=op.f('uq_reminders_job_id')),
    sa.UniqueConstraint('program_id', 'days_before',
                        name=op.f('uq_reminders_program_id_days_before')),
    )
    op.create_index(op.f('ix_reminders_due_at'), 'reminders', ['due_at'], unique=False)
    op.create_table('reminder_deliveries',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('reminder_id', sa.String(length=32), nullable=False),
    sa.Column('household_id', sa.String(length=32), nullable=False),
    sa.Column('message_id', sa.String(length=32), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'],
                            name=op.f('fk_reminder_deliveries_household_id_households')),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminders.id'],
                            name=op.f('fk_reminder_deliveries_reminder_id_reminders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_deliveries')),
    sa.UniqueConstraint('message_id', name=op.f('uq_reminder_deliveries_message_id')),
    sa.UniqueConstraint('reminder_id', 'household_id',
                        name=op.f('uq_reminder_deliveries_reminder_id_household_id')),
    )


def downgrade() -> None:
    op.drop_table('reminder_deliveries')
    op.drop_index(op.f('ix_reminders_due_at'), table_name='reminders')
    op.drop_table('reminders')
    with op.batch_alter_table('benefit_programs') as batch:
        batch.drop_column('withdrawal_reason')
