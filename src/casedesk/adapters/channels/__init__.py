"""Senders, one module per channel: each turns a `Job` into the channel's wire format, makes
one attempt and reports its `Outcome` (services/ports/channels.py)."""
