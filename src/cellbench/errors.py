"""One exception tree for cellbench.

Every error a user can cause is an :class:`InputError` (or a subclass) whose message names the file,
line, column or field and says what was expected. The CLI prints the message and exits with code 2;
it never shows a traceback for these.
"""

from __future__ import annotations


class CellbenchError(Exception):
    """Base of every error cellbench raises on purpose."""

    exit_code = 1


class InputError(CellbenchError):
    """Bad input: a file, a field or an argument that is not what cellbench expected."""

    exit_code = 2

    def __init__(self, message: str, *, source: str | None = None, location: str | None = None):
        self.source = source
        self.location = location
        prefix = ""
        if source:
            prefix = f"{source}"
            if location:
                prefix += f", {location}"
            prefix += ": "
        elif location:
            prefix = f"{location}: "
        super().__init__(prefix + message)


class NotFound(InputError):
    """A named thing (cell, material, protocol, record) does not exist."""


class SimulationError(CellbenchError):
    """The solver could not run a step; the message names the step, the state and the likely cause."""

    exit_code = 3


class AccessDenied(CellbenchError):
    """The caller may not see or change a record."""

    exit_code = 4


def closest_name(name: str, choices) -> str | None:
    """The valid choice nearest to a misspelt ``name``, or None when none is close.

    >>> closest_name("std", ["lg-m50", "std-1"])
    'std-1'
    """
    import difflib

    choices = [str(c) for c in choices]
    match = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    if not match:  # a prefix or an infix still points at one choice ("std" → "std-1")
        match = [c for c in choices if name and (c.startswith(name) or name in c)][:1]
    return match[0] if match else None


def closest_choice(name: str, choices) -> str:
    """The words that name the valid choice nearest to a misspelt ``name`` ("" when none is close).

    >>> closest_choice("ncm812", ["lfp", "ncm811", "ncm523"])
    " (did you mean 'ncm811'?)"
    """
    match = closest_name(name, choices)
    return f" (did you mean '{match}'?)" if match else ""
