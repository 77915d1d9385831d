"""Identity: match keys on residents, verifications, pending verification attempts

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('residents') as batch:
        batch.add_column(sa.Column('match_person', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('match_place', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('match_reading', sa.String(length=32), nullable=True))
    op.create_index('ix_residents_match_person', 'residents', ['match_person'], unique=False)
    op.create_index('ix_residents_match_place', 'residents', ['match_place'], unique=False)
    op.create_index('ix_residents_match_reading', 'residents', ['match_reading'], unique=False)

    op.create_table('identity_verifications',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('identity_id', sa.String(length=32), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('assurance', sa.String(length=64), nullable=False),
    sa.Column('verified_at', sa.DateTime(), nullable=False),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('match_person', sa.String(length=32), nullable=False),
    sa.Column('match_place', sa.String(length=32), nullable=False),
    sa.Column('match_reading', sa.String(length=32), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('candidate_ids', sa.Text(), nullable=False),
    sa.Column('resident_id', sa.String(length=32), nullable=True),
    sa.Column('decided_by', sa.String(length=32), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['identity_id'], ['channel_identities.id'], name=op.f('fk_identity_verifications_identity_id_channel_identities')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_identity_verifications_resident_id_residents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_identity_verifications'))
    )
    for column in ('identity_id', 'match_person', 'match_place', 'status', 'resident_id'):
        op.create_index(f'ix_identity_verifications_{column}', 'identity_verifications',
                        [column], unique=False)

    op.create_table('verification_attempts',
    sa.Column('state', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=128), nullable=False),
    sa.Column('code_verifier', sa.String(length=128), nullable=False),
    sa.Column('identity_id', sa.String(length=32), nullable=False),
    sa.Column('purpose', sa.String(length=32), nullable=False),
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('state', name=op.f('pk_verification_attempts'))
    )


def downgrade() -> None:
    op.drop_table('verification_attempts')
    for column in ('identity_id', 'match_person', 'match_place', 'status', 'resident_id'):
        op.drop_index(f'ix_identity_verifications_{column}', table_name='identity_verifications')
    op.drop_table('identity_verifications')
    op.drop_index('ix_residents_match_reading', table_name='residents')
    op.drop_index('ix_residents_match_place', table_name='residents')
    op.drop_index('ix_residents_match_person', table_name='residents')
    with op.batch_alter_table('residents') as batch:
        batch.drop_column('match_reading')
        batch.drop_column('match_place')
        batch.drop_column('match_person')
