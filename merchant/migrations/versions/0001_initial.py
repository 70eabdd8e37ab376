"""Initial schema of the sandbox merchant platform.

Generated from merchant/models.py by `python -m merchant.migrations regenerate`
(`make migration`) on 2026-12-01. Regenerate it rather than editing it by hand while no
deployed database depends on it.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

import merchant.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

FIRST_ORDER_NUMBER = 1001


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("balance", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("voice_pay_limit", sa.Integer(), nullable=False),
        sa.Column("default_merchant_id", sa.String(length=64), nullable=False),
        sa.Column("default_store_id", sa.String(length=64), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.Column("failed_pin_attempts", sa.Integer(), nullable=False),
        sa.Column("voice_pay_locked_until", merchant.models.UtcDateTime(), nullable=True),
        sa.Column("created_at", merchant.models.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("customer_id"),
    )
    op.create_table(
        "handoffs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", merchant.models.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_handoffs_customer_id"), "handoffs", ["customer_id"], unique=False)
    op.create_table(
        "idempotency_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("response", sa.JSON(), nullable=True),
        sa.Column("created_at", merchant.models.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("scope", "key", name="one_record_per_key"),
    )
    op.create_table(
        "merchants",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("breakfast_start", sa.Time(), nullable=True),
        sa.Column("breakfast_end", sa.Time(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "security_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_at", merchant.models.UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_security_events_customer_id"), "security_events", ["customer_id"], unique=False
    )
    op.create_table(
        "credentials",
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", merchant.models.UtcDateTime(), nullable=True),
        sa.Column("created_at", merchant.models.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["accounts.customer_id"],
        ),
        sa.PrimaryKeyConstraint("customer_id"),
    )
    op.create_table(
        "menu_items",
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("daypart", sa.String(length=64), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("combo", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
        ),
        sa.PrimaryKeyConstraint("merchant_id", "sku"),
    )
    op.create_table(
        "stores",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=False),
        sa.Column("opens", sa.Time(), nullable=False),
        sa.Column("closes", sa.Time(), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_stores_merchant_id"), "stores", ["merchant_id"], unique=False)
    op.create_table(
        "orders",
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("merchant_id", sa.String(length=64), nullable=False),
        sa.Column("store_id", sa.String(length=64), nullable=False),
        sa.Column("pickup_time", merchant.models.UtcDateTime(), nullable=False),
        sa.Column("asap", sa.Boolean(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("confirmation_token_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", merchant.models.UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["accounts.customer_id"],
        ),
        sa.ForeignKeyConstraint(
            ["merchant_id"],
            ["merchants.id"],
        ),
        sa.ForeignKeyConstraint(
            ["store_id"],
            ["stores.id"],
        ),
        sa.PrimaryKeyConstraint("number"),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_orders_customer_id"), "orders", ["customer_id"], unique=False)
    op.create_table(
        "order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_number", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("unit_price", sa.Integer(), nullable=False),
        sa.Column("line_total", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_number"],
            ["orders.number"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_order_lines_order_number"), "order_lines", ["order_number"], unique=False
    )
    op.create_table(
        "payments",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("order_number", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", merchant.models.UtcDateTime(), nullable=False),
        sa.Column("refunded_at", merchant.models.UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["accounts.customer_id"],
        ),
        sa.ForeignKeyConstraint(
            ["order_number"],
            ["orders.number"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_payments_order_number"), "payments", ["order_number"], unique=False)
    op.create_index(
        "one_captured_payment_per_order",
        "payments",
        ["order_number"],
        unique=True,
        sqlite_where=sa.text("status = 'captured'"),
        postgresql_where=sa.text("status = 'captured'"),
    )
    op.create_table(
        "pin_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(length=200), nullable=False),
        sa.Column("order_number", sa.Integer(), nullable=False),
        sa.Column("created_at", merchant.models.UtcDateTime(), nullable=False),
        sa.Column("expires_at", merchant.models.UtcDateTime(), nullable=False),
        sa.Column("consumed_at", merchant.models.UtcDateTime(), nullable=True),
        sa.Column("payment_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["accounts.customer_id"],
        ),
        sa.ForeignKeyConstraint(
            ["order_number"],
            ["orders.number"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_pin_verifications_order_number"),
        "pin_verifications",
        ["order_number"],
        unique=False,
    )
    _number_orders_from(FIRST_ORDER_NUMBER)


def downgrade() -> None:
    op.drop_index(op.f("ix_pin_verifications_order_number"), table_name="pin_verifications")
    op.drop_table("pin_verifications")
    op.drop_index(
        "one_captured_payment_per_order",
        table_name="payments",
        sqlite_where=sa.text("status = 'captured'"),
        postgresql_where=sa.text("status = 'captured'"),
    )
    op.drop_index(op.f("ix_payments_order_number"), table_name="payments")
    op.drop_table("payments")
    op.drop_index(op.f("ix_order_lines_order_number"), table_name="order_lines")
    op.drop_table("order_lines")
    op.drop_index(op.f("ix_orders_customer_id"), table_name="orders")
    op.drop_table("orders")
    op.drop_index(op.f("ix_stores_merchant_id"), table_name="stores")
    op.drop_table("stores")
    op.drop_table("menu_items")
    op.drop_table("credentials")
    op.drop_index(op.f("ix_security_events_customer_id"), table_name="security_events")
    op.drop_table("security_events")
    op.drop_table("merchants")
    op.drop_table("idempotency_records")
    op.drop_index(op.f("ix_handoffs_customer_id"), table_name="handoffs")
    op.drop_table("handoffs")
    op.drop_table("accounts")


def _number_orders_from(first: int) -> None:
    """Make the first order number `first` (a speakable id such as 1001)."""
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # The integer primary key is a SERIAL, whose sequence the model names.
        op.execute(f"ALTER SEQUENCE orders_number_seq RESTART WITH {first}")
    elif dialect == "sqlite":
        op.execute(f"INSERT INTO sqlite_sequence (name, seq) VALUES ('orders', {first - 1})")
