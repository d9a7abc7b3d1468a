"""claimtrack's exceptions. Everything a user can cause ends as one of these, with a message that
says what went wrong and what to do; the CLI prints the message on one line.

    ClaimtrackError
    ├── InputError            a path or URL we cannot use (missing file, bad scheme)
    ├── FetchError            fetching failed; `transient` says whether a retry may succeed
    ├── ParseError            the document holds no article text we can read
    ├── OverBudget            one article took longer than its time budget
    ├── DatabaseError         anything from PostgreSQL, translated in tasks.storage.database
    │   ├── DatabaseUnavailable   the server cannot be reached or will not start
    │   ├── ConstraintViolation   a row broke a constraint; `constraint` names it
    │   └── ValueTooLarge         a value over what PostgreSQL can index or store
    └── ConfigurationError    a setting is invalid
"""

from __future__ import annotations


class ClaimtrackError(Exception):
    """Base of all claimtrack errors."""


class InputError(ClaimtrackError):
    """A path or URL that cannot be ingested."""


class FetchError(ClaimtrackError):
    """Fetching a URL failed."""

    def __init__(
        self,
        message: str,
        *,
        transient: bool = False,
        status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.transient = transient
        self.status = status
        self.retry_after = retry_after
        self.attempts = 1


class ParseError(ClaimtrackError):
    """A document with no article text we can read."""


class DatabaseError(ClaimtrackError):
    """An error from PostgreSQL."""


class DatabaseUnavailable(DatabaseError):
    """The database server cannot be reached or will not start."""


class ConstraintViolation(DatabaseError):
    """A row broke a database constraint."""

    def __init__(self, message: str, constraint: str | None):
        super().__init__(message)
        self.constraint = constraint


class ValueTooLarge(DatabaseError):
    """A value too large for PostgreSQL to index or store (a 10 KB name in a unique column)."""


class OverBudget(ClaimtrackError):
    """One article's processing ran past its time budget."""


class ConfigurationError(ClaimtrackError):
    """An invalid setting."""
