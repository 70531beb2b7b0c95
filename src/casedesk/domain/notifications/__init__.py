"""Notifications: where they go (destinations), what they say (notices) and how each
attempt to deliver one ended (outcomes), in channel-neutral terms."""
