"""The cases a request's units of work wrote, as the statements that wrote them returned
them, so that the request's read-back of its change needs no query of its own.

A plain creation on PostgreSQL is remembered (`unit_of_work._commit_creation`: its statement
returns the row it inserted and its author's row). Every later commit forgets what is
remembered, and a recall takes it, so a read-back never shows an older state than the
request's last write."""

from __future__ import annotations

import uuid

from casedesk.services.ports.case_queries import CaseDetail


class WrittenCases:
    """One request's memory of the cases it wrote."""

    def __init__(self) -> None:
        self._cases: dict[uuid.UUID, CaseDetail] = {}

    def remember(self, detail: CaseDetail) -> None:
        self._cases[detail.case.id] = detail

    def forget(self) -> None:
        self._cases.clear()

    def recall(self, case_id: uuid.UUID) -> CaseDetail | None:
        """The case as written, once: a second recall finds nothing."""
        return self._cases.pop(case_id, None)
