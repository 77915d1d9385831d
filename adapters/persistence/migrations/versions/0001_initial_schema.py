"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

def upgrade() -> None:
    op.create_table('api_keys',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_keys_key_hash'))
    )
    op.create_table('benefit_programs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('amount_per_household', sa.Integer(), nullable=False),
    sa.Column('eligibility_source', sa.Text(), nullable=False),
    sa.Column('window_opens_at', sa.DateTime(), nullable=False),
    sa.Column('window_closes_at', sa.DateTime(), nullable=False),
    sa.Column('payout_methods', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('notice_text', sa.Text(), nullable=False),
    sa.Column('decision_text', sa.Text(), nullable=False),
    sa.Column('rejection_text', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benefit_programs')),
    sa.UniqueConstraint('name', name=op.f('uq_benefit_programs_name'))
    )
    op.create_table('inbox',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('external_id', sa.String(length=128), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('processed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox')),
    sa.UniqueConstraint('source', 'external_id', name=op.f('uq_inbox_source_external_id'))
    )
    op.create_table('jobs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('progress_done', sa.Integer(), nullable=False),
    sa.Column('progress_total', sa.Integer(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jobs'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('recipient', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    op.create_index('ix_outbox_status_created_at', 'outbox', ['status', 'created_at'], unique=False)

    op.create_table('residents',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('resident_number', sa.String(length=32), nullable=True),
    sa.Column('household_number', sa.String(length=32), nullable=True),
    sa.Column('registry_status', sa.String(length=32), nullable=False),
    sa.Column('verification_state', sa.String(length=32), nullable=False),
    sa.Column('facts', sa.Text(), nullable=True),
    sa.Column('verification', sa.Text(), nullable=True),
    sa.Column('reverify_reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_residents')),
    sa.UniqueConstraint('resident_number', name=op.f('uq_residents_resident_number'))
    )
    op.create_index('ix_residents_household_number', 'residents', ['household_number'], unique=False)

    op.create_table('staff_members',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('login_id', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.Column('password_hash', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_members')),
    sa.UniqueConstraint('login_id', name=op.f('uq_staff_members_login_id'))
    )
    op.create_table('certificate_requests',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('requester_id', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('fee_per_copy', sa.Integer(), nullable=False),
    sa.Column('postage', sa.Integer(), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('delivery', sa.String(length=32), nullable=False),
    sa.Column('payment_state', sa.String(length=32), nullable=False),
    sa.Column('payment_reference', sa.String(length=64), nullable=True),
    sa.Column('issue_state', sa.String(length=32), nullable=False),
    sa.Column('tracking_number', sa.String(length=64), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['requester_id'], ['residents.id'], name=op.f('fk_certificate_requests_requester_id_residents')),
    sa.ForeignKeyConstraint(['subject_id'], ['residents.id'], name=op.f('fk_certificate_requests_subject_id_residents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_requests')),
    sa.UniqueConstraint('payment_reference', name=op.f('uq_certificate_requests_payment_reference'))
    )
    op.create_table('households',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('household_number', sa.String(length=32), nullable=False),
    sa.Column('head_resident_id', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['head_resident_id'], ['residents.id'], name=op.f('fk_households_head_resident_id_residents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_households')),
    sa.UniqueConstraint('household_number', name=op.f('uq_households_household_number'))
    )
    op.create_table('applications',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('program_id', sa.String(length=32), nullable=False),
    sa.Column('household_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('payout_method', sa.String(length=32), nullable=True),
    sa.Column('payee_account', sa.Text(), nullable=True),
    sa.Column('amount', sa.Integer(), nullable=True),
    sa.Column('notified_at', sa.DateTime(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by', sa.String(length=32), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_applications_household_id_households')),
    sa.ForeignKeyConstraint(['program_id'], ['benefit_programs.id'], name=op.f('fk_applications_program_id_benefit_programs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('program_id', 'household_id', name=op.f('uq_applications_program_id_household_id'))
    )
    op.create_index('ix_applications_program_id_status', 'applications', ['program_id', 'status'], unique=False)

    op.create_table('household_members',
    sa.Column('household_id', sa.String(length=32), nullable=False),
    sa.Column('resident_id', sa.String(length=32), nullable=False),
    sa.Column('relationship', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_members_household_id_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_household_members_resident_id_residents')),
    sa.PrimaryKeyConstraint('household_id', 'resident_id', name=op.f('pk_household_members')),
    sa.UniqueConstraint('resident_id', name=op.f('uq_household_members_resident_id'))
    )
    op.create_table('disbursements',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('application_id', sa.String(length=32), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=32), nullable=False),
    sa.Column('payee_account', sa.Text(), nullable=True),
    sa.Column('cash_code', sa.String(length=64), nullable=True),
    sa.Column('batch_id', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('failure_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=True),
    sa.Column('settled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['application_id'], ['applications.id'], name=op.f('fk_disbursements_application_id_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disbursements'))
    )
    op.create_index('ix_disbursements_batch_id', 'disbursements', ['batch_id'], unique=False)
    op.create_index('uq_disbursements_live_application', 'disbursements', ['application_id'], unique=True, sqlite_where=sa.text("status NOT IN ('failed', 'cancelled')"), postgresql_where=sa.text("status NOT IN ('failed', 'cancelled')"))


def downgrade() -> None:
    op.drop_index('uq_disbursements_live_application', table_name='disbursements')
    op.drop_index('ix_disbursements_batch_id', table_name='disbursements')

    op.drop_table('disbursements')
    op.drop_table('household_members')
    op.drop_index('ix_applications_program_id_status', table_name='applications')

    op.drop_table('applications')
    op.drop_table('households')
    op.drop_table('certificate_requests')
    op.drop_table('staff_members')
    op.drop_index('ix_residents_household_number', table_name='residents')

    op.drop_table('residents')
    op.drop_index('ix_outbox_status_created_at', table_name='outbox')

    op.drop_table('outbox')
    op.drop_table('jobs')
    op.drop_table('inbox')
    op.drop_table('benefit_programs')
    op.drop_table('api_keys')
