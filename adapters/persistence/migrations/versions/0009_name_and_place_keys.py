"""Identity: a name-and-address match key (without date of birth and sex), so a card whose
date of birth or sex was mistyped still shows the registry person to staff

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04

Residents imported before this have no such key until the registry is imported again.
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('residents', 'identity_verifications'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('match_name_place', sa.String(length=32), nullable=True))
        op.create_index(f'ix_{table}_match_name_place', table, ['match_name_place'],
                        unique=False)


def downgrade() -> None:
    for table in ('identity_verifications', 'residents'):
        op.drop_index(f'ix_{table}_match_name_place', table_name=table)
        with op.batch_alter_table(table) as batch:
            batch.drop_column('match_name_place')
