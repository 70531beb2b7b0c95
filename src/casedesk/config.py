"""Settings, read from the environment (prefix CASEDESK_) once, by bootstrap."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASEDESK_", extra="ignore")

    database_url: str = "sqlite:///./casedesk.db"
    # Public base URL of this server, used in links we send out.
    base_url: str = "http://127.0.0.1:8000"
    # Sized for the HTTP thread pool under load: connections returned to a full pool are closed,
    # and reopening them per request costs more than keeping them.
    db_pool_size: int = 20
