"""The town's ladder of channels (town_settings), contacts verified by a code (contact_codes),
the reminders a resident stopped (contact_preferences),
and each outbox message's delivery status, its provider reference and the notice it carries on
to the next rung (ADR 0041)

Rows already in the outbox take the status their state says: sent → delivered, failed →
permanent-failure, anything else → sending.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04
"""

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The outbox changes in place: applications refer to it (a rebuild would break them).
    op.add_column('outbox', sa.Column('delivery_status', sa.String(length=32), nullable=False,
                                      server_default='sending'))
    op.add_column('outbox', sa.Column('fallback_of', sa.String(length=32), nullable=True))
    op.add_column('outbox', sa.Column('provider_ref', sa.String(length=64), nullable=True))
    op.create_index('uq_outbox_fallback_of_channel', 'outbox', ['fallback_of', 'channel'],
                    unique=True)
    op.create_index(op.f('ix_outbox_provider_ref'), 'outbox', ['provider_ref'], unique=False)
    connection = op.get_bind()
    connection.execute(sa.text("UPDATE outbox SET delivery_status = 'delivered' "
                               "WHERE status = 'sent'"))
    connection.execute(sa.text("UPDATE outbox SET delivery_status = 'permanent-failure' "
                               "WHERE status = 'failed'"))

    op.create_table('town_settings',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by', sa.String(length=128), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_town_settings')),
    )
    op.create_table('contact_codes',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('resident_id', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('sends', sa.Integer(), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'],
                            name=op.f('fk_contact_codes_resident_id_residents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_codes')),
    )
    op.create_index(op.f('ix_contact_codes_resident_id'), 'contact_codes', ['resident_id'],
                    unique=False)
    op.create_table('contact_preferences',
    sa.Column('resident_id', sa.String(length=32), nullable=False),
    sa.Column('reminders', sa.Boolean(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'],
                            name=op.f('fk_contact_preferences_resident_id_residents')),
    sa.PrimaryKeyConstraint('resident_id', name=op.f('pk_contact_preferences')),
    )


def downgrade() -> None:
    op.drop_table('contact_preferences')
    op.drop_index(op.f('ix_contact_codes_resident_id'), table_name='contact_codes')
    op.drop_table('contact_codes')
    op.drop_table('town_settings')
    op.drop_index(op.f('ix_outbox_provider_ref'), table_name='outbox')
    op.drop_index('uq_outbox_fallback_of_channel', table_name='outbox')
    op.drop_column('outbox', 'provider_ref')  # in place (SQLite 3.35+)
    op.drop_column('outbox', 'fallback_of')
    op.drop_column('outbox', 'delivery_status')
