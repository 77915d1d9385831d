"""SMS handed to the provider: the message SID per idempotency key, and its status (ADR 0039)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sms_messages',
        sa.Column('key', sa.String(length=128), primary_key=True),
        sa.Column('recipient', sa.String(length=16), nullable=False),
        sa.Column('body_digest', sa.String(length=64), nullable=False),
        sa.Column('sid', sa.String(length=64), unique=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('error_code', sa.Integer()),
        sa.Column('attempted_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table('sms_messages')
