"""Who may call a Datadog route: one dependency alias per kind of access, each checked before
the body is validated (a caller without the scope gets 403, even for a malformed body).

Write scopes come from the command registry, through a command the routes send; read scopes
from `services.authz`. A route whose command needs another scope than its alias checked fails
loudly (`Context.handle`), so the two cannot drift apart.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from casedesk.domain import maintenance as mc
from casedesk.domain import users as uc
from casedesk.domain.cases import commands as c
from casedesk.domain.cases.case_types import CreateCaseType
from casedesk.domain.incidents import commands as ic
from casedesk.domain.notifications import commands as nc
from casedesk.entrypoints.http.deps import Context, for_command, for_reading
from casedesk.services.authz import Reading

CaseReader = Annotated[Context, Depends(for_reading(Reading.CASES))]
CaseWriter = Annotated[Context, Depends(for_command(c.CreateCase))]
CaseTypeAdmin = Annotated[Context, Depends(for_command(CreateCaseType))]
IncidentReader = Annotated[Context, Depends(for_reading(Reading.INCIDENTS))]
IncidentWriter = Annotated[Context, Depends(for_command(ic.CreateIncident))]
IncidentAdmin = Annotated[Context, Depends(for_command(ic.CreateIncidentSetting))]
MaintenanceReader = Annotated[Context, Depends(for_reading(Reading.MAINTENANCE_WINDOWS))]
MaintenanceWriter = Annotated[Context, Depends(for_command(mc.CreateMaintenanceWindow))]
UserReader = Annotated[Context, Depends(for_reading(Reading.USERS))]
UserInviter = Annotated[Context, Depends(for_command(uc.CreateUser))]
UserManager = Annotated[Context, Depends(for_command(uc.DisableUser))]
OwnKeyReader = Annotated[Context, Depends(for_reading(Reading.OWN_KEYS))]
OwnKeyManager = Annotated[Context, Depends(for_command(uc.RevokeOwnAppKey))]
KeyReader = Annotated[Context, Depends(for_reading(Reading.KEYS))]
KeyManager = Annotated[Context, Depends(for_command(uc.RevokeAppKey))]
AuditReader = Annotated[Context, Depends(for_reading(Reading.AUDIT_LOG))]
ChannelReader = Annotated[Context, Depends(for_reading(Reading.CHANNELS))]
ChannelWriter = Annotated[Context, Depends(for_command(nc.CreateWebhook))]
DeliveryReader = Annotated[Context, Depends(for_reading(Reading.DELIVERIES))]
# Retrying is no command of the registry (the ledger's own write); it needs what configuring
# the channels needs, `manage_integrations`.
DeliveryRetrier = Annotated[Context, Depends(for_command(nc.CreateWebhook))]
