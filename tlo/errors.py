"""Domain errors. Their messages are shown to users as they are, so they say what to do."""


class DomainError(Exception):
    """Base of every error a user can act on."""


class PermissionDenied(DomainError):
    pass


class NotFound(DomainError):
    pass


class ValidationError(DomainError):
    pass


class InvalidTransition(DomainError):
    pass
