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
