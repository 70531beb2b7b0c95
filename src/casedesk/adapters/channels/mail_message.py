"""A notice as a mail: multipart/alternative (text/plain first, text/html last, RFC 2046),
threaded per case or incident, marked as automatic.

Threading: every mail gets a Message-ID of its own, made from the delivery's id
(`<delivery.<id>@<domain>>`), so a retried or replayed delivery carries the same id and the
reader's client collapses duplicates, while no two different mails ever share one. Each mail
refers to a root id stable per subject (`<case.<uuid>@<domain>>`, `<incident.<uuid>@…>`) in
`In-Reply-To` and `References`, and to the previous mail this recipient received about it
when the thread's refs name one; the root is never sent itself. Mail clients thread on the
references whether or not the root arrived, so a recipient who joins late (a new watcher)
still gets one thread. The Subject is the notice's stable title.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from casedesk.domain.notifications.notices import Notice, NoticeReason
from casedesk.services.ports.channels import Job

REASONS = {
    NoticeReason.RULE: "a notification rule of this project matched",
    NoticeReason.INCIDENT_RULE: "an incident notification rule matched",
    NoticeReason.INCIDENT_HANDLE: "this address is one of the incident's notification handles",
    NoticeReason.ASSIGNED: "you are, or were, assigned",
    NoticeReason.WATCHING: "you watch this case",
    NoticeReason.MENTIONED: "you were mentioned",
}
UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]")


class InvalidAddress(ValueError):
    """The destination is not an address a mail can be sent to."""


@dataclass(frozen=True)
class Mail:
    message: EmailMessage
    recipient: str
    refs: dict[str, str]  # for the next mail of the thread (Outcome.refs)


class MailComposer:
    """Builds mails from `mail_from` (`casedesk@example.com` or `Casedesk <casedesk@…>`);
    its domain names the thread roots and List-Ids."""

    def __init__(self, mail_from: str) -> None:
        name, address = parseaddr(mail_from)
        if "@" not in address:
            raise ValueError(f"CASEDESK_MAIL_FROM is not an email address: {mail_from!r}")
        self.from_header = str(Address(display_name=name, addr_spec=address))
        self.envelope_sender = address
        self.domain = address.rsplit("@", 1)[1].strip("[]").lower()
        # Markdown from templates may not carry raw HTML; links keep markdown-it's scheme check.
        self.markdown = MarkdownIt("commonmark", {"html": False})
        self.templates = Environment(
            loader=PackageLoader("casedesk.adapters.channels", "templates"),
            autoescape=select_autoescape(["html.j2"]),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
        )

    def compose(self, job: Job) -> Mail:
        """InvalidAddress when the destination cannot be mailed; ValueError when the notice
        cannot be made into a mail (a time that is not ISO 8601)."""
        notice = job.notice
        recipient = checked_address(job.destination.name)
        message = EmailMessage()
        message["From"] = self.from_header
        message["To"] = recipient
        message["Subject"] = one_line(notice.title)
        message["Date"] = format_datetime(datetime.fromisoformat(notice.occurred_at))
        message_id = f"<delivery.{safe_id(job.delivery_id)}@{self.domain}>"
        root = f"<{safe_id(notice.subject_type)}.{safe_id(notice.subject_id)}@{self.domain}>"
        previous = job.thread.get("last_message_id")
        chain = [root] if previous in (None, root, message_id) else [root, str(previous)]
        message["Message-ID"] = message_id
        message["In-Reply-To"] = chain[-1]
        message["References"] = " ".join(chain)
        self.mark(message, notice)
        context = self.context(notice)
        message.set_content(self.templates.get_template("email.txt.j2").render(context))
        message.add_alternative(self.templates.get_template("email.html.j2").render(context), subtype="html")
        return Mail(message, recipient, {"root_message_id": root, "last_message_id": message_id})

    def mark(self, message: EmailMessage, notice: Notice) -> None:
        """Automatic (RFC 3834, and Exchange's out-of-office suppression), listed per project
        (RFC 2919), and labelled for filters."""
        message["Auto-Submitted"] = "auto-generated"
        message["X-Auto-Response-Suppress"] = "All"
        project = notice.subject.get("project") or {}
        project_key = str(project.get("key") or "") if isinstance(project, Mapping) else ""
        if notice.subject_type == "case":
            list_id = f"{list_label(project_key) or 'cases'}.cases.{self.domain}"
        else:
            list_id = f"incidents.{self.domain}"
        message["List-Id"] = f"<{list_id}>"
        if project_key:
            message["X-Casedesk-Project"] = one_line(project_key)
        if notice.subject_type == "case":
            message["X-Casedesk-Case"] = one_line(str(notice.subject.get("key") or notice.subject_id))
        else:
            message["X-Casedesk-Incident"] = one_line(
                str(notice.subject.get("public_id") or notice.subject_id)
            )
        message["X-Casedesk-Reason"] = notice.reason.value

    def context(self, notice: Notice) -> dict[str, Any]:
        body = notice.body or None
        return {
            "notice": notice,
            "details": details(notice),
            "link_label": link_label(notice),
            "body_text": body,
            "body_html": Markup(self.markdown.render(body)) if body else None,  # markdown-it escaped it
            "reason": REASONS.get(notice.reason, notice.reason.value),
        }


def checked_address(name: str) -> str:
    address = name.strip()
    if any(c.isspace() or ord(c) < 32 for c in address) or address.count("@") != 1:
        raise InvalidAddress(f"not an email address: {name!r}")
    local, domain = address.split("@")
    if not local or not domain:
        raise InvalidAddress(f"not an email address: {name!r}")
    return address


def one_line(text: str) -> str:
    """Header text: a line break in a title would end the header (and start another)."""
    return " ".join(text.split())


def safe_id(text: str) -> str:
    """Text usable in a Message-ID's left part (a dot-atom)."""
    return UNSAFE_ID.sub("-", text).strip(".") or "x"


def list_label(key: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", key.lower())


def person(value: Any) -> str | None:
    if isinstance(value, Mapping):
        return str(value.get("name") or value.get("email") or "") or None
    return str(value) if value else None


def details(notice: Notice) -> list[tuple[str, str]]:
    """The few facts shown under the summary, in the subject's own terms."""
    s = notice.subject
    if notice.subject_type == "case":
        project = s.get("project")
        rows = [
            ("Status", s.get("status")),
            ("Priority", s.get("priority")),
            ("Assignee", person(s.get("assignee")) or "Unassigned"),
            ("Project", project.get("name") if isinstance(project, Mapping) else None),
            ("Type", s.get("type")),
        ]
    else:
        rows = [
            ("State", s.get("state")),
            ("Severity", s.get("severity")),
            ("Commander", person(s.get("commander")) or "None"),
        ]
    if notice.actor:
        rows.append(("Changed by", notice.actor))
    return [(label, str(value)) for label, value in rows if value not in (None, "")]


def link_label(notice: Notice) -> str:
    if notice.subject_type == "case":
        return f"Open {notice.subject.get('key') or 'the case'} in casedesk"
    public_id = notice.subject.get("public_id")
    return f"Open incident #{public_id} in casedesk" if public_id else "Open the incident in casedesk"
