"""What every channel shows of a notice's subject, in one place: the facts (status,
priority, assignee …), the main text, and deterministic shortening.

Channels differ in markup and limits, not in what they say, so a case reads the same in
Slack, Teams and PagerDuty.
"""

from __future__ import annotations

from typing import Any

from casedesk.domain.notifications.notices import Notice

ELLIPSIS = "…"


def clip(text: str, limit: int, *, suffix: str = ELLIPSIS) -> str:
    """`text` cut to at most `limit` characters, ending in `suffix` when it was cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(suffix))] + suffix


def person(value: Any) -> str:
    """A person as shown: their name, else their email; "Unassigned" for none."""
    if isinstance(value, dict):
        return str(value.get("name") or value.get("email") or value.get("id") or "Unknown")
    if value:
        return str(value)
    return "Unassigned"


def _named(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("name") or value.get("key") or value.get("id") or "")
    return "" if value is None else str(value)


def facts(notice: Notice) -> list[tuple[str, str]]:
    """The subject's state as (label, value) pairs, in the order shown."""
    s = notice.subject
    if notice.subject_type == "incident":
        rows = [
            ("State", _named(s.get("state")).capitalize()),
            ("Severity", _named(s.get("severity"))),
            ("Commander", person(s.get("commander"))),
        ]
        if s.get("customer_impacted") is not None:
            rows.append(("Customer impact", "Yes" if s.get("customer_impacted") else "No"))
        return [(label, value) for label, value in rows if value]
    rows = [
        ("Status", _named(s.get("status"))),
        ("Priority", priority_label(s.get("priority"))),
        ("Assignee", person(s.get("assignee"))),
        ("Project", _named(s.get("project"))),
    ]
    return [(label, value) for label, value in rows if value]


def priority_label(value: Any) -> str:
    if value in (None, "", "NOT_DEFINED"):
        return "Not defined"
    return str(value)


def main_text(notice: Notice) -> str:
    """The long text: the rendered template when there is one, else the subject's
    description (cases) — Markdown either way; may be empty."""
    if notice.body:
        return notice.body
    return str(notice.subject.get("description") or "")


def reference(notice: Notice) -> str:
    """How the subject is named in links: "SEC-12", "incident #7"."""
    s = notice.subject
    if notice.subject_type == "incident":
        public = s.get("public_id")
        return f"incident #{public}" if public is not None else "incident"
    return str(s.get("key") or "case")


def is_closing(notice: Notice) -> bool:
    """Whether the notice closes its subject (a case closed, an incident resolved)."""
    s = notice.subject
    closed = s.get("status_group") == "closed" or s.get("state") == "resolved"
    return closed and (
        "status" in notice.event_kind or "state" in notice.event_kind or "resolved" in notice.event_kind
    )


_URGENCY = {f"{prefix}{n}": n for prefix in ("P", "SEV-") for n in range(1, 6)}


def priority_raised(notice: Notice) -> bool:
    """Whether the notice makes its subject more urgent (P3 → P1, SEV-3 → SEV-1, any
    priority or severity over none)."""
    if "priority" not in notice.event_kind and "severity" not in notice.event_kind:
        return False
    old = _URGENCY.get(str(notice.change.get("old")), 9)
    new = _URGENCY.get(str(notice.change.get("new")), 9)
    return new < old
