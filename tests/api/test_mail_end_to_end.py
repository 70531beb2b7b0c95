"""Personal mail end to end: a project's `settings.notification` written through Datadog's
API, people assigned and watching, changes made through the API, and what the mail relay
(aiosmtpd) received: who got which mail, never the person who made the change, one thread
per case, and nothing for someone who may no longer see the case."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.accounts import create_user, key_headers, keys_for
from tests.api.notifying import Notifying
from tests.receivers.smtp import Received

PROJECTS = "/api/v2/cases/projects"
PERSONAL = {
    "enabled": True,
    "notify_on_case_assignment": True,
    "notify_on_case_comment": True,
    "notify_on_case_status_change": True,
}

MENTIONS = {"enabled": True, "notify_on_case_comment_mention": True}


def mails_to(mails: list[Received], address: str) -> list[Received]:
    return [m for m in mails if address in m.recipients]


def personal_settings(notifying: Notifying, project: dict[str, Any]) -> None:
    body = {"data": {"type": "project", "attributes": {"settings": {"notification": PERSONAL}}}}
    done = notifying.http.patch(f"{PROJECTS}/{project['id']}", json=body)
    assert done.status_code == 200, done.text


def test_the_assignee_and_watchers_are_mailed_in_one_thread_and_the_author_is_not(
    notifying: Notifying,
) -> None:
    project = notifying.project()
    personal_settings(notifying, project)
    assignee, watcher = create_user(notifying.server, "assignee"), create_user(notifying.server, "watcher")
    case = notifying.case(project, "Disk full on db-1")
    key = case["attributes"]["key"]
    notifying.act(case, "/assign", assignee_id=assignee["user_id"])
    watched = notifying.http.post(f"/api/v2/cases/{case['id']}/watchers/{watcher['user_id']}")
    assert watched.status_code == 201, watched.text
    notifying.act(case, "/comment", comment="Looking into it")
    notifying.act(case, "/status", status="IN_PROGRESS")
    # Assigned; the comment; the status change: three to the assignee, two to the watcher.
    notifying.settled(key, 5)
    mails = notifying.mails_about(key)
    assert len(mails_to(mails, assignee["email"])) == 3
    assert len(mails_to(mails, watcher["email"])) == 2
    assert mails_to(mails, "admin@example.com") == []
    assert all(len(m.recipients) == 1 for m in mails)
    root = f"<case.{case['id']}@example.com>"
    assert {m.message["Subject"] for m in mails} == {f"[{key}] Disk full on db-1"}
    for mail in mails:
        assert mail.message["In-Reply-To"] is not None
        assert root in mail.message["References"]
        assert mail.message["Auto-Submitted"] == "auto-generated"

    # The assignee comments: the watcher hears of it, the assignee does not.
    keys = keys_for(notifying.server, assignee["email"], user_id=assignee["user_id"])
    with httpx.Client(base_url=notifying.server.url, headers=key_headers(keys), timeout=30) as as_assignee:
        notifying.act(case, "/comment", as_assignee, comment="Freed 20 GB")
    notifying.settled(key, 6)
    mails = notifying.mails_about(key)
    assert len(mails_to(mails, assignee["email"])) == 3
    to_watcher = mails_to(mails, watcher["email"])
    assert len(to_watcher) == 3
    text = to_watcher[-1].message.get_body(("plain",))
    assert text is not None
    assert "Freed 20 GB" in text.get_content()


def test_a_mention_mails_the_comment_that_mentions_them_cut_at_a_thousand_characters(
    notifying: Notifying,
) -> None:
    project = notifying.project()
    body = {"data": {"type": "project", "attributes": {"settings": {"notification": MENTIONS}}}}
    done = notifying.http.patch(f"{PROJECTS}/{project['id']}", json=body)
    assert done.status_code == 200, done.text
    named, long_named = create_user(notifying.server, "named"), create_user(notifying.server, "longnamed")
    case = notifying.case(project, "Certificate expiry")
    key = case["attributes"]["key"]
    notifying.act(case, "/comment", comment=f"<@user-{named['user_id']}> can you renew *api.example.com*?")
    tail = "the end is not sent"
    long = f"<@user-{long_named['user_id']}> " + "word " * 400 + tail
    notifying.act(case, "/comment", comment=long)
    notifying.settled(key, 2)
    mails = notifying.mails_about(key)
    [short_mail] = mails_to(mails, named["email"])
    assert short_mail.message["X-Casedesk-Reason"] == "mentioned"
    text = plain(short_mail)
    assert "mentioned you in" in text
    assert f"<@user-{named['user_id']}> can you renew *api.example.com*?" in text
    html = short_mail.message.get_body(("html",))
    assert html is not None
    assert "<em>api.example.com</em>" in html.get_content()  # the comment's Markdown, rendered
    [long_mail] = mails_to(mails, long_named["email"])
    text = plain(long_mail)
    assert "word word" in text
    assert tail not in text
    shown = text[text.index(f"<@user-{long_named['user_id']}>") :].split("\n\n")[0]
    assert shown.endswith("word…")
    assert len(shown) <= 1000


def plain(mail: Received) -> str:
    text = mail.message.get_body(("plain",))
    assert text is not None
    return str(text.get_content()).replace("\r\n", "\n")


def test_a_restricted_project_mails_an_outside_rule_address_but_no_removed_member(
    notifying: Notifying,
) -> None:
    project = notifying.project()
    stays, leaves = create_user(notifying.server, "stays"), create_user(notifying.server, "leaves")
    members = [{"id": u["user_id"], "type": "users"} for u in (stays, leaves)]
    _restrict(notifying, project, members)
    personal_settings(notifying, project)
    partner = "soc@partner.example.org"
    notifying.rule(project, {"type": "EMAIL", "data": {"email": partner}})
    case = notifying.case(project, "Suspicious login")
    key = case["attributes"]["key"]
    notifying.act(case, "/assign", assignee_id=stays["user_id"])
    watched = notifying.http.post(f"/api/v2/cases/{case['id']}/watchers/{leaves['user_id']}")
    assert watched.status_code == 201, watched.text
    _restrict(notifying, project, members[:1])
    notifying.act(case, "/comment", comment="Reset the password")
    # The rule's address (created); the assignee (assigned, the comment); nobody else.
    notifying.settled(key, 3)
    mails = notifying.mails_about(key)
    assert len(mails_to(mails, partner)) == 1
    assert len(mails_to(mails, stays["email"])) == 2
    assert mails_to(mails, leaves["email"]) == []


def _restrict(notifying: Notifying, project: dict[str, Any], members: list[dict[str, str]]) -> None:
    body = {
        "data": {
            "type": "project",
            "attributes": {"restricted": True},
            "relationships": {"member_user": {"data": members}},
        }
    }
    done = notifying.http.patch(f"{PROJECTS}/{project['id']}", json=body)
    assert done.status_code == 200, done.text
