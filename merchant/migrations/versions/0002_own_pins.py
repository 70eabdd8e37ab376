"""Every customer chooses their own PIN; the shared sandbox PIN is gone.

Until now every account held a hash of one published PIN (246810 by default), which
protected nothing: this revision erases those hashes, so an account has no PIN until its
customer sets one (`PUT /identity/pin`), and a payment that needs a PIN is refused until
then. It also drops the credentials' wrong-password lock, replaced by short in-memory
throttles (merchant/sign_in_throttle.py).

A new revision rather than a regenerated 0001: databases migrated to 0001 hold the shared
hash, and only an upgrade step erases it.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import merchant.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("accounts") as accounts:
        accounts.alter_column("pin_hash", existing_type=sa.String(length=200), nullable=True)
        accounts.add_column(sa.Column("pin_digits", sa.Integer(), nullable=True))
    op.execute("UPDATE accounts SET pin_hash = NULL, pin_digits = NULL")
    with op.batch_alter_table("credentials") as credentials:
        credentials.drop_column("failed_attempts")
        credentials.drop_column("locked_until")


def downgrade() -> None:
    with op.batch_alter_table("credentials") as credentials:
        credentials.add_column(
            sa.Column("locked_until", merchant.models.UtcDateTime(), nullable=True)
        )
        credentials.add_column(
            sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0")
        )
    # An account without a PIN cannot go back to the shared one: its PIN stays unusable.
    op.execute("UPDATE accounts SET pin_hash = '' WHERE pin_hash IS NULL")
    with op.batch_alter_table("accounts") as accounts:
        accounts.drop_column("pin_digits")
        accounts.alter_column("pin_hash", existing_type=sa.String(length=200), nullable=False)
