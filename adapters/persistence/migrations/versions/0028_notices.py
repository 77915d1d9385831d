"""お知らせ配信 (ADR 0058): notices sent to a segment (a copy of its condition, the status from
draft to sent, the schedule) and each person a notice went to, once (unique per notice and
person's key), with the channel chosen, a random open token, and when they opened and tapped it.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = '0028'
down_revision = '0027'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notices',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('condition', sa.Text(), nullable=False),
    sa.Column('segment_name', sa.String(length=100), nullable=False),
    sa.Column('buttons', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('link_token', sa.String(length=32), nullable=False),
    sa.Column('scheduled_at', sa.DateTime(), nullable=True),
    sa.Column('job_id', sa.String(length=32), nullable=True),
    sa.Column('sent_by', sa.String(length=32), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('shared_opens', sa.Integer(), server_default='0', nullable=False),
    sa.Column('shared_taps', sa.Integer(), server_default='0', nullable=False),
    sa.Column('image_type', sa.String(length=16), server_default='', nullable=False),
    sa.Column('image', sa.LargeBinary(), nullable=True),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['jobs.id'], name=op.f('fk_notices_job_id_jobs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('job_id', name=op.f('uq_notices_job_id')),
    sa.UniqueConstraint('link_token', name=op.f('uq_notices_link_token'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_scheduled_at'), ['scheduled_at'], unique=False)

    op.create_table('notice_recipients',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('notice_id', sa.String(length=32), nullable=False),
    sa.Column('member_key', sa.String(length=40), nullable=False),
    sa.Column('open_token', sa.String(length=32), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('outbox_id', sa.String(length=32), nullable=True),
    sa.Column('declined', sa.Boolean(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.Column('tapped_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_notice_recipients_notice_id_notices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notice_recipients')),
    sa.UniqueConstraint('notice_id', 'member_key', name=op.f('uq_notice_recipients_notice_id_member_key')),
    sa.UniqueConstraint('open_token', name=op.f('uq_notice_recipients_open_token'))
    )
    with op.batch_alter_table('notice_recipients', schema=None) as batch_op:
        batch_op.create_index('ix_notice_recipients_outbox_id', ['outbox_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('notice_recipients', schema=None) as batch_op:
        batch_op.drop_index('ix_notice_recipients_outbox_id')

    op.drop_table('notice_recipients')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_scheduled_at'))

    op.drop_table('notices')
