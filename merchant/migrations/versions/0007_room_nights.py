"""Bookings (issue 17 §3): a booking merchant's room types and stay times, and the rooms
booked per hotel, room type and night.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("merchants", sa.Column("booking", sa.JSON(), nullable=True))
    op.create_table(
        "room_nights",
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("hotel_id", sa.String(length=64), nullable=False),
        sa.Column("room_type", sa.String(length=64), nullable=False),
        sa.Column("night", sa.Date(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["merchant_id"], ["merchants.id"]),
        sa.ForeignKeyConstraint(["hotel_id"], ["stores.id"]),
        sa.PrimaryKeyConstraint("hotel_id", "room_type", "night"),
    )


def downgrade() -> None:
    op.drop_table("room_nights")
    with op.batch_alter_table("merchants") as batch:
        batch.drop_column("booking")
