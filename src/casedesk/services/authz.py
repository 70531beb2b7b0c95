"""Who may do what. A write needs the scope its command's row in the registry names
(`services/bus.py`); a read needs the scope of what it reads, declared here."""

from __future__ import annotations

from enum import StrEnum

from casedesk.domain.errors import Forbidden
from casedesk.domain.users import Principal
from casedesk.domain.vocab import Scope


class Reading(StrEnum):
    """What a query reads, as far as permissions go."""

    CASES = "cases"  # cases, projects, case types, views, links, watchers, counts
    INCIDENTS = "incidents"  # incidents, their items and settings
    MAINTENANCE_WINDOWS = "maintenance_windows"
    USERS = "users"  # users and roles
    OWN_KEYS = "own_keys"  # the caller's own application keys
    KEYS = "keys"  # every user's application keys
    AUDIT_LOG = "audit_log"
    CHANNELS = "channels"  # configured notification channels, never their secrets
    DELIVERIES = "deliveries"  # the delivery log (cases and incidents filtered further)


READ_SCOPES: dict[Reading, Scope] = {
    Reading.CASES: Scope.CASES_READ,
    Reading.INCIDENTS: Scope.INCIDENT_READ,
    # Datadog keeps maintenance windows under event management.
    Reading.MAINTENANCE_WINDOWS: Scope.EVENT_CORRELATION_CONFIG_READ,
    Reading.USERS: Scope.USER_ACCESS_READ,
    # Every role may see its own keys, as Datadog's user_app_keys permission every role holds.
    Reading.OWN_KEYS: Scope.USER_ACCESS_READ,
    # Everyone's keys and the audit log are an admin's: only that role has user_access_manage.
    Reading.KEYS: Scope.USER_ACCESS_MANAGE,
    Reading.AUDIT_LOG: Scope.USER_ACCESS_MANAGE,
    Reading.CHANNELS: Scope.INTEGRATIONS_READ,
    Reading.DELIVERIES: Scope.INTEGRATIONS_READ,
}


def require(principal: Principal, scope: Scope) -> None:
    if not principal.has(scope):
        raise Forbidden(f"this key lacks the {scope.value} scope")
