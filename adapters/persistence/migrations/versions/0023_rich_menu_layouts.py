"""The LINE rich menus as staff lay them out (ADR 0054): one row per audience (residents not
verified yet, verified residents), its size in rows and its tiles (JSON), who saved it and who
last set it on LINE.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rich_menu_layouts',
    sa.Column('audience', sa.String(length=16), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('tiles', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=128), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('published_by', sa.String(length=128), server_default='', nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('audience', name=op.f('pk_rich_menu_layouts')),
    )


def downgrade() -> None:
    op.drop_table('rich_menu_layouts')
