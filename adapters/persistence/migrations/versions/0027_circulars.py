"""回覧板 (ADR 0057): the circulars a 自治会長 sends their association's members, who read each
one (one row per member and circular), and the association a leader's account is linked to.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('circulars',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('association_id', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('sent_by', sa.String(length=32), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['association_id'], ['associations.id'], name=op.f('fk_circulars_association_id_associations')),
    sa.ForeignKeyConstraint(['sent_by'], ['staff_members.id'], name=op.f('fk_circulars_sent_by_staff_members')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_circulars'))
    )
    with op.batch_alter_table('circulars', schema=None) as batch_op:
        batch_op.create_index('ix_circulars_association_id', ['association_id', 'sent_at'], unique=False)

    op.create_table('circular_reads',
    sa.Column('circular_id', sa.String(length=32), nullable=False),
    sa.Column('member_id', sa.String(length=32), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['circular_id'], ['circulars.id'], name=op.f('fk_circular_reads_circular_id_circulars')),
    sa.ForeignKeyConstraint(['member_id'], ['association_members.id'], name=op.f('fk_circular_reads_member_id_association_members')),
    sa.PrimaryKeyConstraint('circular_id', 'member_id', name=op.f('pk_circular_reads'))
    )
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('association_id', sa.String(length=32), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_staff_members_association_id_associations'), 'associations', ['association_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('staff_members', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_staff_members_association_id_associations'), type_='foreignkey')
        batch_op.drop_column('association_id')

    op.drop_table('circular_reads')
    with op.batch_alter_table('circulars', schema=None) as batch_op:
        batch_op.drop_index('ix_circulars_association_id')

    op.drop_table('circulars')
