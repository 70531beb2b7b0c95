"""Settings, read from the environment (prefix CASEDESK_) once, by bootstrap."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from casedesk.domain.limits import Limits
from casedesk.domain.notifications.deliveries import DEFAULT_SCHEDULE


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASEDESK_", extra="ignore")

    database_url: str = "sqlite:///./casedesk.db"
    # Public base URL of this server, used in links we send out.
    base_url: str = "http://127.0.0.1:8000"
    # Sized for the HTTP thread pool under load: connections returned to a full pool are closed,
    # and reopening them per request costs more than keeping them.
    db_pool_size: int = 20

    # -- channels (README.md, "What each channel sends") --
    # Slack's Web API and PagerDuty's Events API v2, replaceable for private deployments and tests.
    slack_api_url: str = "https://slack.com/api"
    pagerduty_events_url: str = "https://events.pagerduty.com/v2/enqueue"
    # -- notification channels (README.md, "Configuring channels") --
    # Private address ranges (comma-separated CIDRs) webhooks and Workflows URLs may point at;
    # only global addresses otherwise. Link-local ranges are refused whatever this says.
    outbound_allow: str = ""
    # The key that encrypts secrets at rest (a Fernet key); without it, `secret.key` in the
    # data directory, made on first use. Older keys, comma-separated, still decrypt.
    secret_key: str | None = None
    secret_keys: str = ""
    # Where casedesk keeps files of its own (the key file); default: the SQLite database's
    # folder, or $XDG_DATA_HOME/casedesk (~/.local/share/casedesk) for PostgreSQL.
    data_dir: str | None = None

    # -- limits (README.md, "Limits") --
    # Request bodies larger than this are refused with 413 before they are read.
    max_body_bytes: int = Field(default=1024 * 1024, ge=1)
    # No SQL statement of an HTTP request runs longer than this (0: no bound).
    statement_timeout_ms: int = Field(default=5000, ge=0)
    # Requests per application key in each period (0: no limit).
    rate_limit: int = Field(default=6000, ge=0)
    rate_limit_period_s: int = Field(default=60, ge=1)
    # What one case holds.
    max_attribute_keys: int = Field(default=100, ge=1)
    max_attribute_values: int = Field(default=100, ge=1)
    max_attribute_key_length: int = Field(default=100, ge=1)
    max_attribute_value_length: int = Field(default=200, ge=1)
    max_tags: int = Field(default=100, ge=1)
    max_tag_length: int = Field(default=200, ge=1)
    max_metadata_keys: int = Field(default=100, ge=1)
    max_metadata_key_length: int = Field(default=200, ge=1)
    max_metadata_value_length: int = Field(default=10_000, ge=1)
    # What one search query may ask.
    max_query_length: int = Field(default=4096, ge=1)
    max_query_terms: int = Field(default=50, ge=1)
    max_query_wildcards: int = Field(default=10, ge=1)
    max_query_depth: int = Field(default=10, ge=1)

    # -- delivery (README.md, "The worker and the delivery log") --
    # Waits before each retry of a failed delivery; after the last one it is dead.
    delivery_retry_schedule: str = DEFAULT_SCHEDULE
    # Sends per destination (queued, never dropped): kind=N/s|m|h, comma-separated.
    delivery_rate_limits: str = "slack=1/s,teams=4/s,pagerduty=120/m"
    # Sends in flight at once per worker.
    worker_concurrency: int = Field(default=40, ge=1)
    # How long a claimed delivery stays a worker's before another may claim it.
    worker_lease_s: float = Field(default=60.0, gt=0)
    # The longest an idle worker goes without looking for work.
    worker_poll_ms: int = Field(default=250, ge=10)
    # Where a worker without an HTTP application beside it (`casedesk worker`, the parent of
    # `casedesk serve --workers N`) serves its metrics (README.md, "Metrics"); none: nowhere.
    worker_metrics_port: int | None = Field(default=None, ge=0, le=65535)
    worker_metrics_host: str = "127.0.0.1"
    # -- notification mail (README.md, "Email") --
    # `smtp://[user:pass@]host[:port]` or `smtps://user:pass@host[:465]`; empty: mail
    # deliveries fail as not configured (permanent, so they can be retried once it is set).
    smtp_url: str = ""
    # A PEM file of certificate authorities to trust for the relay instead of the system's.
    smtp_ca_file: str = ""
    smtp_timeout_s: float = Field(default=30.0, gt=0)
    # The From address; empty: `casedesk@<host of base_url>`.
    mail_from: str = ""

    # -- /metrics (README.md, "Metrics") --
    # Empty: /metrics is served to anyone who can reach it; otherwise it needs
    # `Authorization: Bearer <token>`.
    metrics_token: str = ""

    def sender_address(self) -> str:
        """The From address of notification mail."""
        if self.mail_from:
            return self.mail_from
        host = urlsplit(self.base_url).hostname or "localhost"
        try:
            ipaddress.ip_address(host)
        except ValueError:
            return f"casedesk@{host}"
        return f"casedesk@[{host}]"  # an address literal (RFC 5321 §4.1.3)

    def limits(self) -> Limits:
        """The bounds the domain and the search parser check (`domain/limits.py`)."""
        return Limits(
            attribute_keys=self.max_attribute_keys,
            attribute_values=self.max_attribute_values,
            attribute_key_length=self.max_attribute_key_length,
            attribute_value_length=self.max_attribute_value_length,
            tags=self.max_tags,
            tag_length=self.max_tag_length,
            metadata_keys=self.max_metadata_keys,
            metadata_key_length=self.max_metadata_key_length,
            metadata_value_length=self.max_metadata_value_length,
            query_length=self.max_query_length,
            query_terms=self.max_query_terms,
            query_wildcards=self.max_query_wildcards,
            query_depth=self.max_query_depth,
        )
