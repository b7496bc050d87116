"""record versions and review: corrections as versions, review status, priority and flags

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 09:00:00

Existing records get their version 1 (the OCR as read, with its fields and derived files), a
review status from ``needs_review`` and their review flags from the reasons on their fields.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('review_status', sa.String(length=16), nullable=False, server_default='not_required'))
        batch_op.add_column(sa.Column('review_priority', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('verified_by', sa.String(length=160), nullable=True))
        batch_op.create_index(batch_op.f('ix_records_review_status'), ['review_status'], unique=False)

    op.create_table('record_versions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('principal_kind', sa.String(length=16), nullable=False),
    sa.Column('principal_id', sa.String(length=36), nullable=False),
    sa.Column('principal_name', sa.String(length=128), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('text_key', sa.String(length=255), nullable=False),
    sa.Column('hocr_key', sa.String(length=255), nullable=False),
    sa.Column('pdf_key', sa.String(length=255), nullable=False),
    sa.Column('review_status', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('record_id', 'version', name='uq_record_version')
    )
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_versions_record_id'), ['record_id'], unique=False)

    op.create_table('review_flags',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('target', sa.String(length=128), nullable=False),
    sa.Column('reason', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('review_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_flags_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_flags_record_id'), ['record_id'], unique=False)

    _backfill()


def _backfill() -> None:
    """Version 1, review status, priority and flags for the records digitized before this revision."""
    from storage.reviews import flags_of_fields, priority

    connection = op.get_bind()
    records = sa.table(
        'records', sa.column('id', sa.String), sa.column('fields', sa.JSON), sa.column('doc_type', sa.String),
        sa.column('needs_review', sa.Boolean), sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('text_key', sa.String), sa.column('hocr_key', sa.String), sa.column('pdf_key', sa.String),
        sa.column('review_status', sa.String), sa.column('review_priority', sa.Integer),
    )
    versions = sa.table(
        'record_versions', sa.column('record_id', sa.String), sa.column('version', sa.Integer),
        sa.column('at', sa.DateTime(timezone=True)), sa.column('principal_kind', sa.String),
        sa.column('principal_id', sa.String), sa.column('principal_name', sa.String), sa.column('changes', sa.JSON),
        sa.column('fields', sa.JSON), sa.column('text_key', sa.String), sa.column('hocr_key', sa.String),
        sa.column('pdf_key', sa.String), sa.column('review_status', sa.String),
    )
    flags = sa.table('review_flags', sa.column('record_id', sa.String), sa.column('category', sa.String),
                     sa.column('target', sa.String), sa.column('reason', sa.String))
    for row in connection.execute(sa.select(records)).mappings().all():
        fields = row['fields'] if isinstance(row['fields'], dict) else json.loads(row['fields'] or '{}')
        found = flags_of_fields(fields, doc_type=row['doc_type'])
        status = 'needs_review' if row['needs_review'] or found else 'not_required'
        connection.execute(
            sa.update(records).where(records.c.id == row['id']).values(review_status=status, review_priority=priority(found))
        )
        connection.execute(sa.insert(versions).values(
            record_id=row['id'], version=1, at=row['created_at'], principal_kind='system', principal_id='ocr',
            principal_name='ocr', changes=[], fields=fields, text_key=row['text_key'], hocr_key=row['hocr_key'],
            pdf_key=row['pdf_key'], review_status=status,
        ))
        for flag in found:
            connection.execute(sa.insert(flags).values(record_id=row['id'], category=flag.category, target=flag.target, reason=flag.reason))


def downgrade() -> None:
    with op.batch_alter_table('review_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_flags_record_id'))
        batch_op.drop_index(batch_op.f('ix_review_flags_category'))
    op.drop_table('review_flags')
    with op.batch_alter_table('record_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_record_versions_record_id'))
    op.drop_table('record_versions')
    with op.batch_alter_table('records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_records_review_status'))
        batch_op.drop_column('verified_by')
        batch_op.drop_column('verified_at')
        batch_op.drop_column('review_priority')
        batch_op.drop_column('review_status')
        batch_op.drop_column('version')
