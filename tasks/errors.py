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
    ├── ConfigurationError    a setting is invalid
    └── ReviewError           a reviewer's request cannot be done as asked
        ├── NotFound              no such item, claim, family or account
        ├── NotAllowed            the account's role may not do this
        ├── AuthenticationFailed  a wrong password or token
        └── QueueConflict         the item changed under the reviewer (decided, lease lost)
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


class ReviewError(ClaimtrackError):
    """A reviewer's request that cannot be done as asked."""


class NotFound(ReviewError):
    """No such item, claim, family or account."""


class NotAllowed(ReviewError):
    """The account's role may not do this."""


class AuthenticationFailed(ReviewError):
    """A wrong name, password or token."""


class QueueConflict(ReviewError):
    """The item is not the reviewer's to decide any more: decided already, or the lease expired
    or was taken over. Nothing was changed."""
