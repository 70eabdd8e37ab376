"""Saved places: a customer's named locations ("home", "office") for "near my office"
(issue 17 §4).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

import merchant.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_places",
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("updated_at", merchant.models.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["accounts.customer_id"]),
        sa.PrimaryKeyConstraint("customer_id", "name"),
    )


def downgrade() -> None:
    op.drop_table("saved_places")
