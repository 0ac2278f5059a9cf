"""The error hierarchy. Each error carries the exit code the CLI returns for it.

Exit codes (documented in the README):
  0 success, 1 internal error, 2 usage error, 3 input not found,
  4 bad input (unreadable, empty, wrong type, wrong encoding), 5 missing model or dependency,
  6 output could not be written, 7 resource limit (e.g. image too large),
  8 batch finished with some files failed, 130 interrupted.
"""

from __future__ import annotations


class NewsreflowError(Exception):
    """Base class: a problem the user can act on. The message says what to do."""

    exit_code = 1


class UsageError(NewsreflowError):
    exit_code = 2


class InputNotFoundError(NewsreflowError):
    exit_code = 3


class BadInputError(NewsreflowError):
    exit_code = 4


class MissingModelError(NewsreflowError):
    exit_code = 5


class OutputError(NewsreflowError):
    exit_code = 6


class ResourceLimitError(NewsreflowError):
    exit_code = 7


class BatchFailedError(NewsreflowError):
    exit_code = 8


EXIT_INTERRUPTED = 130
