"""Pickup slots (issue 17 §4): each order records the slot it holds a place in.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

import merchant.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN and CREATE INDEX: SQLite does both without copying `orders`, whose
    # AUTOINCREMENT counter a batch copy would lose. Older orders hold no slot.
    op.add_column("orders", sa.Column("slot_start", merchant.models.UtcDateTime(), nullable=True))
    op.create_index("orders_by_store_and_slot", "orders", ["store_id", "slot_start"])


def downgrade() -> None:
    op.drop_index("orders_by_store_and_slot", table_name="orders")
    op.drop_column("orders", "slot_start")
