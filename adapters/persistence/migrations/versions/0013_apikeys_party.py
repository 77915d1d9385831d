"""API keys belong to one accountable party (a staff member or a named organisation), and the
four-eyes rules remember the party beside the credential: a batch's maker, an account's typist
(ADR 0033)

Each existing key becomes an organisation named after the key (keys whose names fold to the
same text become one organisation, the stricter reading); batches and typed accounts made by a
key take that organisation as their party, everything else its own id.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _organisation_party(name: str) -> str:
    """As domain.access.organisation_party was written at this revision (kept here, frozen)."""
    folded = " ".join(unicodedata.normalize("NFKC", name).casefold().split())
    return f"org:{folded[:100]}"


def upgrade() -> None:
    # Tables other rows refer to (a batch's payments, an application's) change in place: SQLite
    # would rebuild them in batch mode, and dropping the old table fails on those references.
    op.add_column('payment_batches', sa.Column('created_party', sa.String(length=128),
                                               nullable=False, server_default=''))
    op.add_column('applications', sa.Column('account_entered_party', sa.String(length=128),
                                            nullable=True))
    with op.batch_alter_table('api_keys') as batch:  # nothing refers to API keys: rebuilt
        batch.add_column(sa.Column('staff_id', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('organisation', sa.String(length=100), nullable=True))

    connection = op.get_bind()
    connection.execute(sa.text("UPDATE api_keys SET organisation = name"))
    for key_id, name in connection.execute(sa.text("SELECT id, name FROM api_keys")).all():
        values = {"party": _organisation_party(name), "by": f"api:{key_id}"}
        connection.execute(sa.text("UPDATE payment_batches SET created_party = :party "
                                   "WHERE created_by = :by"), values)
        connection.execute(sa.text("UPDATE applications SET account_entered_party = :party "
                                   "WHERE account_entered_by = :by"), values)
    connection.execute(sa.text("UPDATE payment_batches SET created_party = created_by "
                               "WHERE created_party = ''"))
    connection.execute(sa.text("UPDATE applications SET account_entered_party = "
                               "account_entered_by WHERE account_entered_by IS NOT NULL "
                               "AND account_entered_party IS NULL"))

    with op.batch_alter_table('api_keys') as batch:
        batch.create_foreign_key('fk_api_keys_staff_id_staff_members', 'staff_members',
                                 ['staff_id'], ['id'])
        batch.create_check_constraint('ck_api_keys_one_party',
                                      '(staff_id IS NULL) <> (organisation IS NULL)')
        batch.create_index('ix_api_keys_staff_id', ['staff_id'])


def downgrade() -> None:
    with op.batch_alter_table('api_keys') as batch:
        batch.drop_index('ix_api_keys_staff_id')
        batch.drop_constraint('ck_api_keys_one_party', type_='check')
        batch.drop_constraint('fk_api_keys_staff_id_staff_members', type_='foreignkey')
        batch.drop_column('organisation')
        batch.drop_column('staff_id')
    op.drop_column('applications', 'account_entered_party')  # in place (SQLite 3.35+)
    op.drop_column('payment_batches', 'created_party')
