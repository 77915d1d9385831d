"""The web channel: personal links and one-time sign-in codes, kept server-side so a link used
once or expired is refused (ADR 0038)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'resident_links',
        sa.Column('id', sa.String(32), primary_key=True),
        sa.Column('purpose', sa.String(16), nullable=False),
        sa.Column('identity_id', sa.String(32)),
        sa.Column('message_id', sa.String(32)),
        sa.Column('code_digest', sa.String(64), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime()),
    )
    op.create_index('ix_resident_links_identity_id', 'resident_links', ['identity_id'])
    op.create_index('ix_resident_links_expires_at', 'resident_links', ['expires_at'])


def downgrade() -> None:
    op.drop_index('ix_resident_links_expires_at', 'resident_links')
    op.drop_index('ix_resident_links_identity_id', 'resident_links')
    op.drop_table('resident_links')
