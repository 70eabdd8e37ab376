"""After payment: the order's states at the store, pickup codes, staff and the outbox.

Orders gain `pickup_code` (unique per store and local day, `pickup_date`), `ready_at` and
`status_changed_at`; `staff` holds the stores' staff accounts; `order_events` records every
status change in the transaction that made it (the outbox notifications are read from).
docs/design/merchant-model.md §2, §4, §5. Self-contained: nothing here depends on the
stores revision of issue 17, so the two can be chained in either order.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

import merchant.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN and CREATE INDEX: SQLite does both without copying `orders`, whose
    # AUTOINCREMENT counter a batch copy would lose.
    op.add_column("orders", sa.Column("pickup_code", sa.String(length=8), nullable=True))
    op.add_column("orders", sa.Column("pickup_date", sa.Date(), nullable=True))
    op.add_column("orders", sa.Column("ready_at", merchant.models.UtcDateTime(), nullable=True))
    op.add_column(
        "orders", sa.Column("status_changed_at", merchant.models.UtcDateTime(), nullable=True)
    )
    op.create_index(
        "one_pickup_code_per_store_and_day",
        "orders",
        ["store_id", "pickup_date", "pickup_code"],
        unique=True,
    )
    op.create_table(
        "staff",
        sa.Column("staff_id", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("stores", sa.JSON(), nullable=False),
        sa.Column("created_at", merchant.models.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("staff_id"),
    )
    op.create_table(
        "order_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_number", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", merchant.models.UtcDateTime(), nullable=False),
        sa.Column("delivered_at", merchant.models.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["order_number"], ["orders.number"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_order_events_customer_id"), "order_events", ["customer_id"], unique=False
    )
    op.create_index(
        op.f("ix_order_events_order_number"), "order_events", ["order_number"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_order_events_order_number"), table_name="order_events")
    op.drop_index(op.f("ix_order_events_customer_id"), table_name="order_events")
    op.drop_table("order_events")
    op.drop_table("staff")
    op.drop_index("one_pickup_code_per_store_and_day", table_name="orders")
    with op.batch_alter_table("orders") as orders:
        orders.drop_column("status_changed_at")
        orders.drop_column("ready_at")
        orders.drop_column("pickup_date")
        orders.drop_column("pickup_code")
