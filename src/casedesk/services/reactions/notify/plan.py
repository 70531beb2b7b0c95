"""The planner: who is told about one recorded event, and what they are told.

Sources, in this order: the case's project's notification rules, the project's personal
notifications (`personal.py`), the incident notification rules and an incident's own
notification handles at creation. Each destination gets one delivery per event: when several
sources name it, the notice keeps the most personal reason (assigned, mentioned, watching,
then rules and handles in the order found). A maintenance window that was open when the
change was made and matches the subject suppresses every delivery of the event. Planning
only reads, and reads the subject as it stands, so the same message and database give the
same plan.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace

from casedesk.domain.cases.notification_rules import ProjectNotificationRule
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.events import CaseEvent, IncidentEvent
from casedesk.domain.handles import Handle
from casedesk.domain.incidents.settings import Setting
from casedesk.domain.notifications.addressing import handle_destination, recipient_destination, unreachable
from casedesk.domain.notifications.destinations import ChannelKind, Destination
from casedesk.domain.notifications.notices import Notice, NoticeReason, PageAction
from casedesk.services.ports.notify_reads import CaseScene, IncidentScene, NotifyReads
from casedesk.services.ports.outbox import OutboxMessage
from casedesk.services.reactions.notify import case_triggers, incident_rules, notices, personal
from casedesk.services.reactions.notify.planned import Planned
from casedesk.services.search.cases import parse_case_query
from casedesk.services.search.predicates import Everything, Predicate

log = logging.getLogger(__name__)

# Lower is kept when two sources name one destination.
RANK = {
    NoticeReason.ASSIGNED: 0,
    NoticeReason.MENTIONED: 1,
    NoticeReason.WATCHING: 2,
    NoticeReason.RULE: 3,
    NoticeReason.INCIDENT_RULE: 3,
    NoticeReason.INCIDENT_HANDLE: 4,
}

CASE_KINDS = frozenset(k.value for k in CaseEvent)
INCIDENT_KINDS = frozenset(k.value for k in IncidentEvent)


@dataclass
class _Plan:
    """The deliveries found so far, one per destination key, in the order first found."""

    found: dict[str, Planned]

    def add(self, kind: ChannelKind, name: str, notice: Notice, suppressed_by: str | None = None) -> None:
        key = Destination(kind, name).key
        kept = self.found.get(key)
        if kept is None or RANK[notice.reason] < RANK[kept.notice.reason]:
            self.found[key] = Planned(kind, name, notice, suppressed_by)


def _unreachable(handle_text: str, notice: Notice) -> tuple[ChannelKind, str, Notice, str]:
    kind, name, reason = unreachable(handle_text)
    return kind, name, notice, reason


class NotificationPlanner:
    """The `Planner` the worker calls for each outbox message."""

    def __init__(self, reads: NotifyReads, base_url: str) -> None:
        self.reads = reads
        self.base_url = base_url

    def plan(self, message: OutboxMessage) -> list[Planned]:
        if message.subject_type == "case" and message.kind in CASE_KINDS:
            return self._case(message)
        if message.subject_type == "incident" and message.kind in INCIDENT_KINDS:
            return self._incident(message)
        return []

    # -- cases -------------------------------------------------------------------------

    def _case(self, message: OutboxMessage) -> list[Planned]:
        on_behalf = self.reads.on_behalf_of(message.event_id)
        changers = {u for u in (message.actor_id, on_behalf) if u is not None}
        scene = self.reads.case_scene(message.subject_id, changers | personal.named_ids(message))
        if scene is None:
            return []
        base = self._case_notice(message, scene)
        plan = _Plan({})
        for stored, when in self._firing_rules(message, scene):
            for recipient in stored.rule.recipients:
                kind, name, _ = recipient_destination(recipient)
                plan.add(
                    kind, name, replace(base, reason=NoticeReason.RULE, rule_id=str(stored.id), page=when)
                )
        for address, reason in personal.personal_recipients(message, scene, changers):
            plan.add(ChannelKind.EMAIL, address, replace(base, reason=reason, page=None))
        return self._suppressed(message, list(plan.found.values()), scene.case.id)

    def _case_notice(self, message: OutboxMessage, scene: CaseScene) -> Notice:
        subject = notices.case_subject(scene, self.base_url)
        actor = notices.actor_name(scene.people, message.actor_id)
        return Notice(
            event_id=str(message.event_id),
            event_kind=message.kind,
            subject_type="case",
            subject_id=str(scene.case.id),
            occurred_at=message.occurred_at.isoformat(),
            title=f"[{scene.case.key}] {scene.case.title}",
            headline=notices.case_headline(message, scene, actor),
            url=subject["url"],
            reason=NoticeReason.RULE,
            subject=subject,
            change=dict(message.payload),
            actor=actor,
            body=notices.case_body(message),
        )

    def _firing_rules(
        self, message: OutboxMessage, scene: CaseScene
    ) -> list[tuple[ProjectNotificationRule, PageAction | None]]:
        """The enabled rules whose trigger fires and whose query the case matches now, with
        the page their notices carry."""
        triggered = [
            r
            for r in scene.rules
            if r.rule.is_enabled and any(case_triggers.fires(t, message) for t in r.rule.triggers)
        ]
        filters = [self._filter(r.rule.query, message, r.created_by) for r in triggered]
        matched = self.reads.case_matches(scene.case.id, [f for f in filters if f is not None])
        answers = iter(matched)
        page = notices.case_page(message, scene)
        return [(r, page) for r, f in zip(triggered, filters, strict=True) if f is not None and next(answers)]

    @staticmethod
    def _filter(query: str | None, message: OutboxMessage, me: uuid.UUID | None) -> Predicate | None:
        try:
            return parse_case_query(query, now=message.occurred_at, me=me, field="query")
        except ValidationFailed:
            log.warning("a stored query no longer parses: %r", query)
            return None

    # -- incidents ---------------------------------------------------------------------

    def _incident(self, message: OutboxMessage) -> list[Planned]:
        changers = {message.actor_id} if message.actor_id else set()
        scene = self.reads.incident_scene(message.subject_id, changers)
        if scene is None:
            return []
        base = self._incident_notice(message, scene)
        plan = _Plan({})
        for setting, rule in incident_rules.firing_rules(scene.rules, message, scene.incident):
            notice = self._templated(
                replace(base, reason=NoticeReason.INCIDENT_RULE, rule_id=str(setting.id)), setting, scene
            )
            self._handles(plan, rule.handles, notice)
        if message.kind == IncidentEvent.CREATED:
            handles = []
            notice = replace(base, reason=NoticeReason.INCIDENT_HANDLE)
            for given in scene.incident.notification_handles:
                try:
                    handles.append(Handle(given.handle))
                except ValidationFailed:
                    log.info("incident handle %r is no handle form casedesk reaches; recorded", given.handle)
                    plan.add(*_unreachable(given.handle, notice))
            self._handles(plan, tuple(handles), notice)
        return self._suppressed(message, list(plan.found.values()), None)

    def _incident_notice(self, message: OutboxMessage, scene: IncidentScene) -> Notice:
        subject = notices.incident_subject(scene, self.base_url)
        actor = notices.actor_name(scene.people, message.actor_id)
        return Notice(
            event_id=str(message.event_id),
            event_kind=message.kind,
            subject_type="incident",
            subject_id=str(scene.incident.id),
            occurred_at=message.occurred_at.isoformat(),
            title=f"[#{scene.incident.public_id}] {scene.incident.title}",
            headline=notices.incident_headline(message, scene, actor),
            url=subject["url"],
            reason=NoticeReason.INCIDENT_RULE,
            subject=subject,
            change=dict(message.payload),
            actor=actor,
            page=notices.incident_page(message, scene),
        )

    @staticmethod
    def _templated(notice: Notice, setting: Setting, scene: IncidentScene) -> Notice:
        template = incident_rules.template_of(setting, scene.templates)
        if template is None:
            return notice
        title = incident_rules.render(str(template.attributes.get("subject") or ""), notice.subject)
        body = incident_rules.render(str(template.attributes.get("content") or ""), notice.subject)
        # A subject that renders blank keeps the thread's default title.
        return replace(notice, title=(title or "").strip() or notice.title, body=body or None)

    @staticmethod
    def _handles(plan: _Plan, handles: tuple[Handle, ...], notice: Notice) -> None:
        """A handle that reaches nothing is recorded as a suppressed delivery saying so."""
        for handle in handles:
            reached = handle_destination(handle)
            if isinstance(reached, str):
                log.info("handle %s reaches nothing (%s); recorded as suppressed", handle.text, reached)
                plan.add(*_unreachable(handle.text, notice))
                continue
            plan.add(*reached, notice)

    # -- maintenance -------------------------------------------------------------------

    def _suppressed(
        self, message: OutboxMessage, planned: list[Planned], case_id: uuid.UUID | None
    ) -> list[Planned]:
        """Every delivery marked with the first open window matching the subject. Windows
        hold case queries: for an incident only a window for everything (a blank query or
        `*`) counts."""
        if not planned:
            return planned
        windows = self.reads.windows_active_at(message.occurred_at)
        filters = [(w, self._filter(w.query, message, None)) for w in windows]
        usable = [(w, f) for w, f in filters if f is not None]
        if case_id is None:
            hits = [isinstance(f, Everything) or w.query.strip() == "*" for w, f in usable]
        else:
            hits = self.reads.case_matches(case_id, [f for _, f in usable])
        for (window, _), hit in zip(usable, hits, strict=True):
            if hit:
                # A delivery already suppressed (a handle that reaches nothing) keeps its reason.
                return [p if p.suppressed_by else replace(p, suppressed_by=str(window.id)) for p in planned]
        return planned
