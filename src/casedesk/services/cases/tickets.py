"""Sending cases to issue trackers (Jira, ServiceNow, Linear).

No tracker integration exists yet, so every send is refused, naming the tracker. Whether a
tracker is set up for the case's project is decided here, where ticket sync will read the
project's integration settings, so every dialect and the bulk update give the same answer."""

from __future__ import annotations

import uuid
from datetime import datetime

from casedesk.domain.cases import commands as c
from casedesk.domain.errors import ValidationFailed
from casedesk.domain.users import Principal
from casedesk.services.ports.uow import UnitOfWork


def send_to_ticket_system(
    uow: UnitOfWork, cmd: c.SendCaseToTicketSystem, who: Principal, now: datetime
) -> uuid.UUID:
    uow.cases.get(cmd.case)
    name = cmd.system.display_name
    raise ValidationFailed(
        "system",
        f"the {name} integration is not configured, so cases cannot be sent to {name}; "
        "issue-tracker integrations (Jira, ServiceNow, Linear) are not available yet",
    )
