"""Typed errors that cross layers; each entry point turns them into its own wire answer."""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    def __init__(self, resource: str, ref: object) -> None:
        super().__init__(f"{resource} not found")
        self.resource = resource
        self.ref = ref


class ValidationFailed(DomainError):
    """A value is wrong; `field` names it in the domain's words (e.g. `title`, `assignee`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class InvalidTransition(ValidationFailed):
    """The value is well formed but the object's state does not allow the change."""


class Conflict(DomainError):
    pass


class Unauthenticated(DomainError):
    pass


class Forbidden(DomainError):
    """Refused to this caller; `field`, when given, names what in the request was refused."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class TimedOut(DomainError):
    """The work ran past the time it was given and was stopped; nothing it began was kept.
    Asking again may succeed when the server is less busy, or with a narrower request."""

    def __init__(self, bound_ms: int) -> None:
        super().__init__(f"the request took longer than the {bound_ms} ms bound and was stopped")
        self.bound_ms = bound_ms
