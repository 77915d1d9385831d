"""Staff see who they decide about: indexes for the applications list and a batch's payees,
and who typed a corrected account (another staff member must check it)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('applications') as batch:
        batch.add_column(sa.Column('account_entered_by', sa.String(length=32), nullable=True))
    op.create_index('ix_applications_program_confirmed', 'applications',
                    ['program_id', 'confirmed_at', 'id'])
    op.create_index('ix_applications_program_status_confirmed', 'applications',
                    ['program_id', 'status', 'confirmed_at', 'id'])
    op.create_index('ix_disbursements_batch_id_id', 'disbursements', ['batch_id', 'id'])
    op.create_index('ix_disbursements_batch_id_status', 'disbursements',
                    ['batch_id', 'status', 'id'])


def downgrade() -> None:
    op.drop_index('ix_disbursements_batch_id_status', table_name='disbursements')
    op.drop_index('ix_disbursements_batch_id_id', table_name='disbursements')
    op.drop_index('ix_applications_program_status_confirmed', table_name='applications')
    op.drop_index('ix_applications_program_confirmed', table_name='applications')
    with op.batch_alter_table('applications') as batch:
        batch.drop_column('account_entered_by')
