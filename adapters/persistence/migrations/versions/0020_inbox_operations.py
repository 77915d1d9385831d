"""The inbox's operations (ADR 0047): canned replies per department (定型文), and when a closed
case's personal data was erased under the town's retention period

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'canned_replies',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('department_id', sa.String(length=32), nullable=False),
        sa.Column('title', sa.String(length=40), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by', sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(['department_id'], ['departments.id'],
                                name='fk_canned_replies_department_id_departments'),
        sa.PrimaryKeyConstraint('id', name='pk_canned_replies'),
    )
    op.create_index('ix_canned_replies_department_id', 'canned_replies', ['department_id'])
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('erased_at', sa.DateTime(), nullable=True))
    op.create_index('ix_cases_status_closed_at', 'cases', ['status', 'closed_at'])


def downgrade() -> None:
    op.drop_index('ix_cases_status_closed_at', table_name='cases')
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('erased_at')
    op.drop_index('ix_canned_replies_department_id', table_name='canned_replies')
    op.drop_table('canned_replies')
