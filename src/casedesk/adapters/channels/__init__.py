"""Channels: the senders that turn a notice into a vendor's wire format and report how the
attempt ended (Slack, Microsoft Teams, PagerDuty), with the renderers they share."""
