"""Senders, one module per channel (webhook, Slack, Microsoft Teams, PagerDuty, email): each
turns a `Job` into the channel's wire format, makes one attempt and reports its `Outcome`
(services/ports/channels.py), with the renderers they share."""
