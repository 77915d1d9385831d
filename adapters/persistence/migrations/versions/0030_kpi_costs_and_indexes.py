"""The report's cost inputs (service_costs: a month's or a year's running cost and staff hours),
the months it keeps counted (kpi_months, kpi_month_counts) and the indexes its live counts read
(ADR 0060).

Revision ID: 0030
Revises: 0028
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0030'
down_revision = '0028'
branch_labels = None
depends_on = None

_INDEXES = (
    ('ix_applications_confirmed_at_channel', 'applications', ['confirmed_at', 'channel']),
    ('ix_cases_created_at_procedure_id', 'cases', ['created_at', 'procedure_id']),
    ('ix_certificate_requests_requested_at', 'certificate_requests', ['requested_at']),
    ('ix_channel_identities_channel_created_at', 'channel_identities',
     ['channel', 'created_at']),
    ('ix_channel_identities_kpi_status_changed_at', 'channel_identities',
     ['channel', 'status', 'status_changed_at']),
    ('ix_conversations_kpi_started_at', 'conversations',
     ['started_at', 'procedure_id', 'procedure_version', 'status']),
    ('ix_identity_verifications_status_verified_at', 'identity_verifications',
     ['status', 'verified_at']),
    ('ix_survey_answers_survey_id_answered_at_score', 'survey_answers',
     ['survey_id', 'answered_at', 'score']),
)


def upgrade() -> None:
    op.create_table('service_costs',
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('running_cost_yen', sa.Integer(), nullable=False),
    sa.Column('staff_hours', sa.Integer(), nullable=False),
    sa.Column('hourly_cost_yen', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=128), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('period', name=op.f('pk_service_costs'))
    )
    op.create_table('kpi_months',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('counted_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('month', name=op.f('pk_kpi_months'))
    )
    op.create_table('kpi_month_counts',
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('figure', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['month'], ['kpi_months.month'],
                            name=op.f('fk_kpi_month_counts_month_kpi_months'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('month', 'figure', 'key', name=op.f('pk_kpi_month_counts'))
    )
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _columns in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
    op.drop_table('kpi_month_counts')
    op.drop_table('kpi_months')
    op.drop_table('service_costs')
