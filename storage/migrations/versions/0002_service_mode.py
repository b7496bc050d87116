"""service mode: units, procedures, dossiers, citizen links, access log, staff, idempotency

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 02:38:45.716800
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('access_log',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('principal_kind', sa.String(length=16), nullable=False),
    sa.Column('principal_id', sa.String(length=36), nullable=False),
    sa.Column('principal_name', sa.String(length=128), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('citizen_id_number', sa.String(length=12), nullable=False),
    sa.Column('record_ids', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_access_log_citizen_id_number'), ['citizen_id_number'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('principal_id', sa.String(length=36), nullable=False),
    sa.Column('key', sa.String(length=128), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('principal_id', 'key', name='uq_idempotency_principal_key')
    )
    op.create_table('procedures',
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('returns_paper_result', sa.Boolean(), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('result_title', sa.String(length=255), nullable=True),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('staff_accounts',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=128), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('unit_code', sa.String(length=16), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('username')
    )
    op.create_table('units',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_code', sa.String(length=16), nullable=True),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('successor_code', sa.String(length=16), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', 'valid_from', name='uq_units_code_valid_from')
    )
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_units_code'), ['code'], unique=False)

    op.create_table('dossiers',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('procedure_code', sa.String(length=32), nullable=False),
    sa.Column('unit_code', sa.String(length=16), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('applicant_id_number', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_by', sa.String(length=128), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['procedure_code'], ['procedures.code'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code')
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossiers_applicant_id_number'), ['applicant_id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossiers_unit_code'), ['unit_code'], unique=False)

    op.create_table('citizen_links',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('record_id', sa.String(length=36), nullable=False),
    sa.Column('id_number', sa.String(length=12), nullable=False),
    sa.Column('full_name', sa.String(length=128), nullable=True),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('record_id', 'id_number', name='uq_citizen_link')
    )
    with op.batch_alter_table('citizen_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizen_links_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_citizen_links_record_id'), ['record_id'], unique=False)

    op.create_table('dossier_documents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('dossier_id', sa.String(length=36), nullable=False),
    sa.Column('document_id', sa.String(length=36), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('reused', sa.Boolean(), nullable=False),
    sa.Column('reused_from_dossier_id', sa.String(length=36), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossiers.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('dossier_id', 'document_id', 'role', name='uq_dossier_document_role')
    )
    with op.batch_alter_table('dossier_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_documents_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_documents_dossier_id'), ['dossier_id'], unique=False)

    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('lease_until')

    with op.batch_alter_table('dossier_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_documents_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_documents_document_id'))

    op.drop_table('dossier_documents')
    with op.batch_alter_table('citizen_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizen_links_record_id'))
        batch_op.drop_index(batch_op.f('ix_citizen_links_id_number'))

    op.drop_table('citizen_links')
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossiers_unit_code'))
        batch_op.drop_index(batch_op.f('ix_dossiers_received_at'))
        batch_op.drop_index(batch_op.f('ix_dossiers_applicant_id_number'))

    op.drop_table('dossiers')
    with op.batch_alter_table('units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_units_code'))

    op.drop_table('units')
    op.drop_table('staff_accounts')
    op.drop_table('procedures')
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_log_citizen_id_number'))
        batch_op.drop_index(batch_op.f('ix_access_log_at'))

    op.drop_table('access_log')
