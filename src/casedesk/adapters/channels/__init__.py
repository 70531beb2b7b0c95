"""Notification channels: each renders a notice in its receiver's format and sends it once
(the `Sender` port in services/ports/channels.py)."""
