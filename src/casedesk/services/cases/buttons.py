"""Buttons on a case: links to a page or a webhook, shown with the case."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from casedesk.domain.cases import commands as c
from casedesk.domain.cases.attachments import ButtonSpec
from casedesk.domain.users import Principal
from casedesk.services.ports.uow import UnitOfWork


def add_button(uow: UnitOfWork, cmd: c.AddCaseButton, who: Principal, now: datetime) -> int:
    case = uow.cases.get(cmd.case)
    button_id = uow.attachments.add_button(case.id, cmd.button, now)
    case.buttons_changed("added", {"id": button_id, "label": cmd.button.label}, who.user_id, now)
    return button_id


def update_button(uow: UnitOfWork, cmd: c.UpdateCaseButton, who: Principal, now: datetime) -> int:
    changes = {
        k: v for k, v in (("button_type", cmd.button_type), ("url", cmd.url), ("label", cmd.label),
                          ("button_text", cmd.button_text)) if v is not None
    }  # fmt: skip
    case = uow.cases.get(cmd.case)
    button = uow.attachments.get_button(case.id, cmd.button_id)
    spec: ButtonSpec = dataclasses.replace(button.spec, **changes)
    if spec != button.spec:
        button.spec, button.updated_at = spec, now
        uow.attachments.save_button(button)
        case.buttons_changed("updated", button.as_data(), who.user_id, now)
    return button.id


def delete_button(uow: UnitOfWork, cmd: c.DeleteCaseButton, who: Principal, now: datetime) -> int:
    case = uow.cases.get(cmd.case)
    button = uow.attachments.get_button(case.id, cmd.button_id)
    uow.attachments.delete_button(button)
    case.buttons_changed("deleted", button.as_data(), who.user_id, now)
    return button.id


def replace_buttons(uow: UnitOfWork, cmd: c.ReplaceCaseButtons, who: Principal, now: datetime) -> int:
    """Returns how many buttons the case now has."""
    case = uow.cases.get(cmd.case)
    for button in uow.attachments.buttons(case.id):
        uow.attachments.delete_button(button)
    for spec in cmd.buttons:
        uow.attachments.add_button(case.id, spec, now)
    case.buttons_changed("replaced", {"count": len(cmd.buttons)}, who.user_id, now)
    return len(cmd.buttons)
