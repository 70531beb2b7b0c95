"""The email channel against a real SMTP server (aiosmtpd on loopback): the mail's parts and
headers, one thread per case, each transport (a plain relay, STARTTLS with AUTH, implicit
TLS) and how each of the relay's answers is classified."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from casedesk.adapters.channels.email import EmailSender, SmtpRelay
from casedesk.adapters.channels.mail_message import MailComposer
from casedesk.bootstrap import bootstrap, email_sender
from casedesk.config import Settings
from casedesk.domain.notifications.destinations import ChannelKind, Destination
from casedesk.domain.notifications.notices import Notice, NoticeReason
from casedesk.domain.notifications.outcomes import Outcome, Result
from casedesk.services.ports.channels import Job
from tests.receivers.smtp import SETTLE_S, SmtpReceiver, smtp_receiver
from tests.support import free_port

MAIL_FROM = "Casedesk <casedesk@desk.example.com>"
CASE_ID = str(uuid.uuid4())


def case_notice(headline: str = "Ada opened SEC-12", **changes: Any) -> Notice:
    values: dict[str, Any] = {
        "event_id": str(uuid.uuid4()),
        "event_kind": "case.created",
        "subject_type": "case",
        "subject_id": CASE_ID,
        "occurred_at": "2026-12-01T15:00:00+00:00",
        "title": "[SEC-12] Disk full on db-1",
        "headline": headline,
        "url": f"https://desk.example.com/cases/{CASE_ID}",
        "reason": NoticeReason.WATCHING,
        "subject": {
            "id": CASE_ID,
            "key": "SEC-12",
            "title": "Disk full on db-1",
            "status": "Open",
            "priority": "P2",
            "project": {"id": str(uuid.uuid4()), "key": "SEC", "name": "Security"},
            "assignee": {"id": str(uuid.uuid4()), "name": "Grace Hopper", "email": "grace@example.com"},
        },
        "actor": "Ada Admin",
    }
    values.update(changes)
    return Notice(**values)


def job(notice: Notice, thread: dict[str, Any] | None = None, to: str = "bob@example.com") -> Job:
    return Job(
        delivery_id=str(uuid.uuid4()),
        attempt=1,
        notice=notice,
        destination=Destination(ChannelKind.EMAIL, to),
        thread=thread or {},
    )


def sender(url: str, ca_file: str | None = None) -> EmailSender:
    return EmailSender(SmtpRelay.from_url(url, ca_file=ca_file, timeout=10), MailComposer(MAIL_FROM))


def send(email_sender: EmailSender, one: Job) -> Outcome:
    async def once() -> Outcome:
        outcome = await email_sender.send(one)
        # Closed transports let go of their sockets (after a TLS shutdown) on later turns of
        # the loop, as they would in the worker's; asyncio.run closes the loop right away.
        await asyncio.sleep(SETTLE_S)
        return outcome

    return asyncio.run(once())


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[SmtpReceiver]:
    """A local relay: no TLS offered, no AUTH."""
    with smtp_receiver(tmp_path, starttls=False) as receiver:
        yield receiver


def plain(receiver: SmtpReceiver) -> EmailSender:
    return sender(f"smtp://127.0.0.1:{receiver.port}")


def parts(message: EmailMessage) -> list[str]:
    return [part.get_content_type() for part in message.iter_parts()]


def bodies(message: EmailMessage) -> tuple[str, str]:
    """The text and HTML parts, with the wire's line ends read back as newlines."""
    text, html = (part.get_content().replace("\r\n", "\n") for part in message.iter_parts())
    return text, html


def test_a_mail_is_text_then_html_with_a_summary_and_a_link_back(relay: SmtpReceiver) -> None:
    outcome = send(plain(relay), job(case_notice()))

    assert outcome.result is Result.DELIVERED
    assert outcome.status == 250
    assert "accepted by the relay" in outcome.snippet
    [mail] = relay.received
    assert mail.sender == "casedesk@desk.example.com"
    assert mail.recipients == ["bob@example.com"]
    message = mail.message
    assert message.get_content_type() == "multipart/alternative"
    assert parts(message) == ["text/plain", "text/html"]
    text, html = bodies(message)
    assert text.startswith("Ada opened SEC-12\n")
    assert "Status: Open" in text
    assert "Assignee: Grace Hopper" in text
    assert f"Open SEC-12 in casedesk: https://desk.example.com/cases/{CASE_ID}" in text
    assert "because you watch this case" in text
    assert f'<a href="https://desk.example.com/cases/{CASE_ID}"' in html
    assert "Ada opened SEC-12" in html
    assert message["Subject"] == "[SEC-12] Disk full on db-1"
    assert message["From"] == MAIL_FROM
    assert message["To"] == "bob@example.com"


def test_the_headers_mark_it_automatic_listed_and_labelled(relay: SmtpReceiver) -> None:
    send(plain(relay), job(case_notice(reason=NoticeReason.MENTIONED)))

    message = relay.received[0].message
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"
    assert message["List-Id"] == "<sec.cases.desk.example.com>"
    assert message["X-Casedesk-Project"] == "SEC"
    assert message["X-Casedesk-Case"] == "SEC-12"
    assert message["X-Casedesk-Reason"] == "mentioned"
    assert message["Date"] is not None


def test_mails_about_one_case_form_one_thread(relay: SmtpReceiver) -> None:
    email_sender = plain(relay)
    root = f"<case.{CASE_ID}@desk.example.com>"
    thread: dict[str, Any] = {}
    headlines = ["Ada opened SEC-12", "Ada moved SEC-12 to In progress", "Ada closed SEC-12"]
    for headline in headlines:
        outcome = send(email_sender, job(case_notice(headline), thread))
        assert outcome.result is Result.DELIVERED
        thread = dict(outcome.refs)  # what the worker keeps and hands back

    first, second, third = (mail.message for mail in relay.received)
    ids = [m["Message-ID"] for m in (first, second, third)]
    assert len(set(ids)) == 3
    assert root not in ids
    assert first["In-Reply-To"] == root
    assert first["References"] == root
    assert second["In-Reply-To"] == ids[0]
    assert second["References"] == f"{root} {ids[0]}"
    assert third["In-Reply-To"] == ids[1]
    assert third["References"] == f"{root} {ids[1]}"
    assert {m["Subject"] for m in (first, second, third)} == {"[SEC-12] Disk full on db-1"}
    assert thread == {"root_message_id": root, "last_message_id": ids[2]}


def test_a_retried_delivery_keeps_its_message_id(relay: SmtpReceiver) -> None:
    email_sender = plain(relay)
    once = job(case_notice())
    again = Job(once.delivery_id, 2, once.notice, once.destination)

    send(email_sender, once)
    send(email_sender, again)

    first, second = (mail.message for mail in relay.received)
    assert first["Message-ID"] == second["Message-ID"] == f"<delivery.{once.delivery_id}@desk.example.com>"


def test_an_incident_template_body_is_rendered_from_markdown_safely(relay: SmtpReceiver) -> None:
    body = "**SEV-1** declared\n\n- db-1 is down\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))"
    incident_id = str(uuid.uuid4())
    notice = case_notice(
        "Incident #7 declared",
        subject_type="incident",
        subject_id=incident_id,
        title="[#7] Database down",
        reason=NoticeReason.INCIDENT_RULE,
        subject={"id": incident_id, "public_id": 7, "state": "active", "severity": "SEV-1"},
        body=body,
    )

    send(plain(relay), job(notice))

    message = relay.received[0].message
    text, html = bodies(message)
    assert "<strong>SEV-1</strong>" in html
    assert "<li>db-1 is down</li>" in html
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'href="javascript:' not in html
    assert "**SEV-1** declared" in text
    assert "Open incident #7 in casedesk" in text
    assert message["List-Id"] == "<incidents.desk.example.com>"
    assert message["X-Casedesk-Incident"] == "7"
    assert message["References"] == f"<incident.{incident_id}@desk.example.com>"


def test_html_is_escaped_everywhere_but_the_rendered_markdown(relay: SmtpReceiver) -> None:
    notice = case_notice('Ada <img src=x onerror="alert(1)"> opened SEC-12', actor="<b>Ada</b>")

    send(plain(relay), job(notice))

    text, html = bodies(relay.received[0].message)
    assert "<img" not in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html
    assert "&lt;b&gt;Ada&lt;/b&gt;" in html
    assert text.startswith('Ada <img src=x onerror="alert(1)"> opened SEC-12')


def test_starttls_with_auth_validates_the_certificate_and_logs_in(tmp_path: Path) -> None:
    with smtp_receiver(tmp_path, auth=("mailer", "s3cret:/@")) as receiver:
        url = f"smtp://mailer:s3cret%3A%2F%40@127.0.0.1:{receiver.port}"
        outcome = send(sender(url, ca_file=receiver.ca_file), job(case_notice()))

        assert outcome.result is Result.DELIVERED, outcome
        [mail] = receiver.received
        assert mail.tls
        assert mail.login == "mailer"


def test_a_wrong_password_is_permanent(tmp_path: Path) -> None:
    with smtp_receiver(tmp_path, auth=("mailer", "right")) as receiver:
        url = f"smtp://mailer:wrong@127.0.0.1:{receiver.port}"
        outcome = send(sender(url, ca_file=receiver.ca_file), job(case_notice()))

        assert outcome.result is Result.PERMANENT
        assert outcome.status == 535
        assert receiver.received == []


def test_a_certificate_from_an_untrusted_authority_is_refused(tmp_path: Path) -> None:
    with smtp_receiver(tmp_path, auth=("mailer", "pw")) as receiver:
        # The system's authorities do not know the receiver's throw-away CA.
        outcome = send(sender(f"smtp://mailer:pw@127.0.0.1:{receiver.port}"), job(case_notice()))

        assert outcome.result is Result.TRANSIENT
        assert outcome.error == "tls_error"
        assert receiver.received == []


def test_credentials_are_never_sent_without_tls(relay: SmtpReceiver) -> None:
    outcome = send(sender(f"smtp://mailer:pw@127.0.0.1:{relay.port}"), job(case_notice()))

    assert outcome.result is Result.TRANSIENT
    assert outcome.error == "smtp_error"
    assert "STARTTLS" in outcome.snippet
    assert relay.received == []


def test_smtps_speaks_tls_from_the_first_byte(tmp_path: Path) -> None:
    with smtp_receiver(tmp_path, implicit_tls=True, auth=("mailer", "pw")) as receiver:
        url = f"smtps://mailer:pw@127.0.0.1:{receiver.port}"
        outcome = send(sender(url, ca_file=receiver.ca_file), job(case_notice()))

        assert outcome.result is Result.DELIVERED, outcome
        assert receiver.received[0].tls


def test_a_plain_relay_is_spoken_to_without_tls_even_when_it_offers_it(tmp_path: Path) -> None:
    with smtp_receiver(tmp_path, starttls=True) as receiver:
        outcome = send(sender(f"smtp://127.0.0.1:{receiver.port}"), job(case_notice()))
        required = send(
            sender(f"smtp://127.0.0.1:{receiver.port}?starttls=true", receiver.ca_file), job(case_notice())
        )

        assert outcome.result is Result.DELIVERED
        assert required.result is Result.DELIVERED
        assert [mail.tls for mail in receiver.received] == [False, True]


@pytest.mark.parametrize(
    ("verb", "reply", "result"),
    [
        ("RCPT", "450 4.2.1 Mailbox busy", Result.TRANSIENT),
        ("RCPT", "451 4.3.0 Try again later", Result.TRANSIENT),
        ("RCPT", "452 4.2.2 Mailbox full", Result.TRANSIENT),
        ("RCPT", "550 5.1.1 No such user", Result.PERMANENT),
        ("RCPT", "553 5.1.3 Bad address syntax", Result.PERMANENT),
        ("DATA", "421 4.7.0 Closing connection", Result.TRANSIENT),
        ("DATA", "451 4.3.0 Local error", Result.TRANSIENT),
        ("DATA", "554 5.7.1 Rejected as spam", Result.PERMANENT),
    ],
)
def test_the_relays_reply_code_decides(relay: SmtpReceiver, verb: str, reply: str, result: Result) -> None:
    relay.fail_next(verb, reply)

    outcome = send(plain(relay), job(case_notice()))

    code = int(reply[:3])
    assert outcome.result is result
    assert outcome.status == code
    assert outcome.error == f"smtp_{code}"
    assert reply[4:] in outcome.snippet
    assert outcome.refs == {}
    assert relay.received == []


def test_a_refused_connection_is_transient() -> None:
    outcome = send(sender(f"smtp://127.0.0.1:{free_port()}"), job(case_notice()))

    assert outcome.result is Result.TRANSIENT
    assert outcome.error == "connect_error"
    assert outcome.status is None


def test_without_a_relay_every_mail_is_permanently_not_configured() -> None:
    outcome = send(EmailSender(None, MailComposer(MAIL_FROM)), job(case_notice()))

    assert outcome.result is Result.PERMANENT
    assert outcome.error == "not_configured"


def test_a_line_break_in_a_title_cannot_add_a_header(relay: SmtpReceiver) -> None:
    outcome = send(plain(relay), job(case_notice(title="[SEC-12] Disk\r\nBcc: eve@example.com")))

    assert outcome.result is Result.DELIVERED
    message = relay.received[0].message
    assert message["Subject"] == "[SEC-12] Disk Bcc: eve@example.com"
    assert message["Bcc"] is None
    assert relay.received[0].recipients == ["bob@example.com"]


def test_a_destination_that_is_not_an_address_is_permanent(relay: SmtpReceiver) -> None:
    outcome = send(plain(relay), job(case_notice(), to="bob@example.com\r\nBcc: eve@example.com"))

    assert outcome.result is Result.PERMANENT
    assert outcome.error == "invalid_address"
    assert relay.received == []


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("smtp://relay.internal", SmtpRelay("relay.internal", 25)),
        ("smtp://relay.internal:2525?starttls=true", SmtpRelay("relay.internal", 2525, starttls=True)),
        (
            "smtp://u%40x:p%3Aw@mail.example.com",
            SmtpRelay("mail.example.com", 587, starttls=True, username="u@x", password="p:w"),
        ),
        (
            "smtps://u:p@mail.example.com",
            SmtpRelay("mail.example.com", 465, implicit_tls=True, username="u", password="p"),
        ),
    ],
)
def test_the_smtp_url_says_how_to_submit(url: str, expected: SmtpRelay) -> None:
    assert SmtpRelay.from_url(url) == expected


@pytest.mark.parametrize("url", ["http://mail.example.com", "smtp://", "smtp://host:port"])
def test_a_bad_smtp_url_is_refused(url: str) -> None:
    with pytest.raises(ValueError, match="CASEDESK_SMTP_URL"):
        SmtpRelay.from_url(url)


def test_the_settings_make_the_sender(tmp_path: Path) -> None:
    settings = Settings(base_url="https://desk.example.com:8443/", smtp_url="smtps://u:p@mail.example.com")
    made = email_sender(settings)

    assert made.relay == SmtpRelay("mail.example.com", 465, implicit_tls=True, username="u", password="p")
    assert made.composer.envelope_sender == "casedesk@desk.example.com"
    assert email_sender(Settings(base_url="http://127.0.0.1:8000")).composer.envelope_sender == (
        "casedesk@[127.0.0.1]"
    )
    with pytest.raises(ValueError, match="CASEDESK_SMTP_URL"):
        bootstrap(Settings(database_url=f"sqlite:///{tmp_path}/x.db", smtp_url="mail.example.com"))
