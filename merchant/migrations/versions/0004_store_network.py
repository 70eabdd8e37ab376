"""Merchant packs and the store network (issue 17 §1, §4).

Merchants gain what their pack says (`kind`, `names`, `pickup`, `cancel`) and the digest
of the stores last written from it (`stores_digest`, so an unchanged pack is not re-read).
Stores gain a location and what the network lookup needs (`lat`, `lon`, `city`,
`district`, `landmarks`, `services`, `slot_capacity`) and `listed` (named by hand in the
pack's feed).
docs/design/merchant-model.md §2, §3. The columns are nullable or defaulted, so existing
rows stay valid; the next start's seeding fills them from the packs.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: SQLite adds a column without copying the table.
    op.add_column(
        "merchants", sa.Column("kind", sa.String(length=16), server_default="menu", nullable=False)
    )
    op.add_column("merchants", sa.Column("names", sa.JSON(), nullable=True))
    op.add_column("merchants", sa.Column("pickup", sa.JSON(), nullable=True))
    op.add_column("merchants", sa.Column("cancel", sa.JSON(), nullable=True))
    op.add_column("merchants", sa.Column("stores_digest", sa.String(length=64), nullable=True))
    op.add_column("stores", sa.Column("lat", sa.Float(), nullable=True))
    op.add_column("stores", sa.Column("lon", sa.Float(), nullable=True))
    op.add_column("stores", sa.Column("city", sa.String(length=200), nullable=True))
    op.add_column("stores", sa.Column("district", sa.String(length=200), nullable=True))
    op.add_column("stores", sa.Column("landmarks", sa.JSON(), nullable=True))
    op.add_column("stores", sa.Column("services", sa.JSON(), nullable=True))
    op.add_column("stores", sa.Column("slot_capacity", sa.Integer(), nullable=True))
    op.add_column(
        "stores",
        sa.Column("listed", sa.Boolean(), server_default=sa.text("true"), nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("stores") as stores:
        for column in (
            "listed",
            "slot_capacity",
            "services",
            "landmarks",
            "district",
            "city",
            "lon",
            "lat",
        ):
            stores.drop_column(column)
    with op.batch_alter_table("merchants") as merchants:
        for column in ("stores_digest", "cancel", "pickup", "names", "kind"):
            merchants.drop_column(column)
