"""API keys carry scopes (the permissions of their role they may use; NULL: all of them),
a read-only flag and a rate limit in requests a minute (ADR 0072). Existing keys keep every
permission of their role, may write, and get the default limit.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0034'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_keys') as batch:  # nothing refers to API keys: rebuilt
        batch.add_column(sa.Column('scopes', sa.String(length=1000), nullable=True))
        batch.add_column(sa.Column('read_only', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('rate_limit_per_minute', sa.Integer(), nullable=False,
                                   server_default='600'))
        batch.create_check_constraint('ck_api_keys_rate_limit',
                                      'rate_limit_per_minute BETWEEN 1 AND 6000')


def downgrade() -> None:
    with op.batch_alter_table('api_keys') as batch:
        batch.drop_constraint('ck_api_keys_rate_limit', type_='check')
        batch.drop_column('rate_limit_per_minute')
        batch.drop_column('read_only')
        batch.drop_column('scopes')
