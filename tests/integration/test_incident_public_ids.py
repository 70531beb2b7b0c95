"""Public ids under concurrent transactions, straight through the bus (no HTTP server)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from casedesk.bootstrap import Container
from casedesk.domain.incidents.commands import CreateIncident, IncidentRef
from casedesk.domain.users import Principal
from casedesk.services.ports.access import Visibility


def test_concurrent_transactions_never_share_a_public_id(db: Container, admin: Principal) -> None:
    def create(n: int) -> int:
        incident_id = db.bus.handle(CreateIncident(title=f"Race {n}", customer_impacted=False), admin)
        return db.incidents.incident(Visibility.everything(), IncidentRef(id=incident_id)).incident.public_id

    with ThreadPoolExecutor(max_workers=8) as pool:
        public_ids = list(pool.map(create, range(40)))

    assert len(set(public_ids)) == 40
    assert min(public_ids) >= 1
