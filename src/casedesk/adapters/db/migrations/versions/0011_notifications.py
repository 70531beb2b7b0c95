"""Notifications: the delivery ledger, the configured channels and the case notification
rules, which were written side by side, as one head.

Revision ID: 0011
Revises: 0010a, 0010b, 0010c
"""

from __future__ import annotations

revision = "0011"
down_revision = ("0010a", "0010b", "0010c")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
