"""The e-mail channel (ADR 0040): room for an e-mail address (up to 254 characters) as a
channel identity's address and an outbox recipient, and when a resident declined optional
messages on an identity (the unsubscribe link)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Added in place (conversations refer to channel identities: SQLite could not rebuild it).
    op.add_column('channel_identities', sa.Column('optional_declined_at', sa.DateTime(),
                                                  nullable=True))
    if op.get_bind().dialect.name != 'sqlite':  # SQLite does not hold text to a length
        op.alter_column('channel_identities', 'address', type_=sa.String(length=254),
                        existing_type=sa.String(length=64), existing_nullable=False)
        op.alter_column('outbox', 'recipient', type_=sa.String(length=254),
                        existing_type=sa.String(length=64), existing_nullable=False)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.alter_column('outbox', 'recipient', type_=sa.String(length=64),
                        existing_type=sa.String(length=254), existing_nullable=False)
        op.alter_column('channel_identities', 'address', type_=sa.String(length=64),
                        existing_type=sa.String(length=254), existing_nullable=False)
    op.drop_column('channel_identities', 'optional_declined_at')  # SQLite 3.35+ in place
