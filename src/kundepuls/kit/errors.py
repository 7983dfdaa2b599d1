"""The one error type that reaches the user as a clean message instead of a traceback."""


class KundepulsError(Exception):
    """A problem the user can act on.

    The CLI prints ``str(error)`` and exits with ``exit_code``; the API answers with
    ``status_code`` and the message. Exit codes follow DESIGN.md: 1 for a fatal error,
    2 for a usage error or for rows that were rejected.
    """

    exit_code = 1
    status_code = 400

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(KundepulsError):
    """The command or request was asked wrongly (unknown name, bad option)."""

    exit_code = 2
    status_code = 422


class NotFoundError(KundepulsError):
    status_code = 404
