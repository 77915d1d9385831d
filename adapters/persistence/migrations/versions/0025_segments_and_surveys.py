"""What segments select on (ADR 0056): coarse attributes of each registry resident derived at
import (町丁目, month of birth, sex, household), the interests staff offer and the identities
subscribed to them, the 自治会/町内会 and their members; and survey answers (anonymous: a keyed
digest per respondent, once per period).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('associations',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('open_to_join', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_associations')),
    sa.UniqueConstraint('name', name=op.f('uq_associations_name'))
    )
    op.create_table('interests',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('label', sa.String(length=40), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_interests'))
    )
    op.create_table('survey_answers',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('survey_id', sa.String(length=64), nullable=False),
    sa.Column('procedure_id', sa.String(length=64), nullable=False),
    sa.Column('respondent_key', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('answers', sa.Text(), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('resident_id', sa.String(length=32), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers')),
    sa.UniqueConstraint('survey_id', 'procedure_id', 'respondent_key', 'period', name=op.f('uq_survey_answers_survey_id_procedure_id_respondent_key_period'))
    )
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_survey_answers_answered_at', ['survey_id', 'answered_at'], unique=False)

    op.create_table('resident_profiles',
    sa.Column('resident_id', sa.String(length=32), nullable=False),
    sa.Column('area', sa.String(length=64), nullable=False),
    sa.Column('birth_month', sa.Integer(), nullable=True),
    sa.Column('sex', sa.String(length=1), nullable=True),
    sa.Column('household_id', sa.String(length=32), nullable=True),
    sa.Column('household_size', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_resident_profiles_resident_id_residents')),
    sa.PrimaryKeyConstraint('resident_id', name=op.f('pk_resident_profiles'))
    )
    with op.batch_alter_table('resident_profiles', schema=None) as batch_op:
        batch_op.create_index('ix_resident_profiles_area', ['area', 'birth_month'], unique=False)
        batch_op.create_index('ix_resident_profiles_birth_month', ['birth_month'], unique=False)
        batch_op.create_index(batch_op.f('ix_resident_profiles_household_id'), ['household_id'], unique=False)

    op.create_table('association_members',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('association_id', sa.String(length=32), nullable=False),
    sa.Column('resident_id', sa.String(length=32), nullable=True),
    sa.Column('identity_id', sa.String(length=32), nullable=True),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('joined_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_association_members_association_id_associations')),
    sa.ForeignKeyConstraint(['identity_id'], ['channel_identities.id'], name=op.f('fk_association_members_identity_id_channel_identities')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_association_members_resident_id_residents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_association_members')),
    sa.UniqueConstraint('association_id', 'identity_id', name=op.f('uq_association_members_association_id_identity_id')),
    sa.UniqueConstraint('association_id', 'resident_id', name=op.f('uq_association_members_association_id_resident_id'))
    )
    with op.batch_alter_table('association_members', schema=None) as batch_op:
        batch_op.create_index('ix_association_members_identity_id', ['identity_id', 'association_id'], unique=False)
        batch_op.create_index('ix_association_members_resident_id', ['resident_id', 'association_id'], unique=False)

    op.create_table('interest_subscriptions',
    sa.Column('identity_id', sa.String(length=32), nullable=False),
    sa.Column('interest_key', sa.String(length=32), nullable=False),
    sa.Column('subscribed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['identity_id'], ['channel_identities.id'], name=op.f('fk_interest_subscriptions_identity_id_channel_identities')),
    sa.ForeignKeyConstraint(['interest_key'], ['interests.key'], name=op.f('fk_interest_subscriptions_interest_key_interests')),
    sa.PrimaryKeyConstraint('identity_id', 'interest_key', name=op.f('pk_interest_subscriptions'))
    )
    with op.batch_alter_table('interest_subscriptions', schema=None) as batch_op:
        batch_op.create_index('ix_interest_subscriptions_interest_key', ['interest_key', 'identity_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('interest_subscriptions', schema=None) as batch_op:
        batch_op.drop_index('ix_interest_subscriptions_interest_key')

    op.drop_table('interest_subscriptions')
    with op.batch_alter_table('association_members', schema=None) as batch_op:
        batch_op.drop_index('ix_association_members_resident_id')
        batch_op.drop_index('ix_association_members_identity_id')

    op.drop_table('association_members')
    with op.batch_alter_table('resident_profiles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_resident_profiles_household_id'))
        batch_op.drop_index('ix_resident_profiles_birth_month')
        batch_op.drop_index('ix_resident_profiles_area')

    op.drop_table('resident_profiles')
    with op.batch_alter_table('survey_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_answers_answered_at')

    op.drop_table('survey_answers')
    op.drop_table('interests')
    op.drop_table('associations')
