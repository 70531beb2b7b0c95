"""The values an incident is made of: its title, timeline cells, notification handles and
customer impact, each checked on construction or by its `clean_…` function."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from casedesk.domain.errors import ValidationFailed

TITLE_MAX = 1024
SCOPE_MAX = 10_000
CELL_MAX = 100_000
HANDLES_MAX = 100
HANDLE_MAX = 500


def clean_title(title: str) -> str:
    stripped = title.strip()
    if not stripped:
        raise ValidationFailed("title", "title must not be empty")
    if len(stripped) > TITLE_MAX:
        raise ValidationFailed("title", f"title must be at most {TITLE_MAX} characters")
    return stripped


@dataclass(frozen=True)
class TimelineCell:
    """A markdown note on the incident's timeline (`important` ones are highlighted)."""

    content: str
    important: bool = False

    def __post_init__(self) -> None:
        if not self.content.strip() or len(self.content) > CELL_MAX:
            raise ValidationFailed("initial_cells", f"a timeline cell holds 1 to {CELL_MAX} characters")


@dataclass(frozen=True)
class NotificationHandle:
    handle: str
    display_name: str = ""

    def __post_init__(self) -> None:
        if not self.handle.strip() or len(self.handle) > HANDLE_MAX or len(self.display_name) > HANDLE_MAX:
            raise ValidationFailed(
                "notification_handles", f"a handle and its display name are 1 to {HANDLE_MAX} characters"
            )

    def as_data(self) -> dict[str, str]:
        return {"handle": self.handle, "display_name": self.display_name}


def clean_handles(handles: tuple[NotificationHandle, ...]) -> list[NotificationHandle]:
    if len(handles) > HANDLES_MAX:
        raise ValidationFailed("notification_handles", f"at most {HANDLES_MAX} notification handles")
    return list({h.handle: h for h in handles}.values())


@dataclass(frozen=True)
class CustomerImpact:
    """Whether customers were hit, how, and when; `scope` is required when they were."""

    impacted: bool
    scope: str | None = None
    start: datetime | None = None
    end: datetime | None = None

    def checked(self, now: datetime) -> CustomerImpact:
        if not self.impacted:
            if self.start is not None or self.end is not None:
                raise ValidationFailed(
                    "customer_impact_start", "impact times need customer_impacted to be true"
                )
            return CustomerImpact(False)
        scope = (self.scope or "").strip()
        if not scope:
            raise ValidationFailed(
                "customer_impact_scope", "customer_impact_scope is required when customer_impacted is true"
            )
        if len(scope) > SCOPE_MAX:
            raise ValidationFailed("customer_impact_scope", f"at most {SCOPE_MAX} characters")
        start = self.start or now
        if self.end is not None and self.end < start:
            raise ValidationFailed(
                "customer_impact_end", "customer_impact_end precedes customer_impact_start"
            )
        return CustomerImpact(True, scope, start, self.end)
