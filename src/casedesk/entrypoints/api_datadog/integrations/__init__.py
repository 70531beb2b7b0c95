"""Datadog's integration configuration APIs, as the official client drives them: webhooks
and their custom variables, PagerDuty services and Slack channels (`/api/v1/integration`),
Microsoft Teams Workflows handles (`/api/v2/integration/ms-teams`). They configure
notification channels; secrets they take are never answered back."""
