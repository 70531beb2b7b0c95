"""A project's case notification rules as stored, and the commands that change them.

The rule itself (`CaseNotificationRule`, in `rules.py`) is a value that checks itself; this
module adds its identity, its project and its history, and the merge an update makes: the
members an update sends replace the rule's, the others stay.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import datetime

from casedesk.domain.cases.rules import CaseNotificationRule, CaseTrigger, Recipient
from casedesk.domain.commands import Command


@dataclass(frozen=True)
class RuleChanges:
    """The members an update sends; None: keep the rule's."""

    recipients: tuple[Recipient, ...] | None = None
    triggers: tuple[CaseTrigger, ...] | None = None
    is_enabled: bool | None = None
    query: str | None = None

    def applied_to(self, rule: CaseNotificationRule) -> CaseNotificationRule:
        """The rule with these members replaced (checked again, so a rule left without
        recipients or triggers is refused)."""
        sent = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        return dataclasses.replace(rule, **{k: v for k, v in sent.items() if v is not None})


@dataclass
class ProjectNotificationRule:
    id: uuid.UUID
    project_id: uuid.UUID
    rule: CaseNotificationRule
    created_at: datetime
    created_by: uuid.UUID | None = None
    modified_at: datetime | None = None
    modified_by: uuid.UUID | None = None

    @classmethod
    def create(
        cls, project_id: uuid.UUID, rule: CaseNotificationRule, actor: uuid.UUID | None, now: datetime
    ) -> ProjectNotificationRule:
        return cls(uuid.uuid4(), project_id, rule, now, actor, now, actor)

    def change(self, changes: RuleChanges, actor: uuid.UUID | None, now: datetime) -> None:
        self.rule = changes.applied_to(self.rule)
        self.modified_at, self.modified_by = now, actor


# -- commands ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CreateCaseNotificationRule(Command[uuid.UUID]):
    project_id: uuid.UUID
    rule: CaseNotificationRule


@dataclass(frozen=True)
class UpdateCaseNotificationRule(Command[uuid.UUID]):
    project_id: uuid.UUID
    rule_id: uuid.UUID
    changes: RuleChanges


@dataclass(frozen=True)
class DeleteCaseNotificationRule(Command[uuid.UUID]):
    project_id: uuid.UUID
    rule_id: uuid.UUID
