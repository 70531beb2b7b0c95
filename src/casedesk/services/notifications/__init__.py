"""Notifications' use cases: configuring the channels they go through."""
