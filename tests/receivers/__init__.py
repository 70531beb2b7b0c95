"""Loopback receivers speaking a channel's documented wire format, for end-to-end tests."""
