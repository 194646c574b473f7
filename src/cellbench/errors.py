"""One exception tree for cellbench.

Every error a user can cause is an :class:`InputError` (or a subclass) whose message names the file,
line, column or field and says what was expected. The CLI prints the message, never a traceback, and exits with
the error's ``exit_code``:

- 2, a usage error: what was typed on the command line is wrong (an unknown cell, material, protocol or other id:
  :class:`NotFound`; an option value that is malformed or out of its choices, or options that exclude each other).
  Such an error names no file (``source`` is None).
- 1, bad input: the content of a file or document is wrong (the error names it as ``source``, with the line,
  column or field).

>>> InputError("--years: expected years separated by commas").exit_code
2
>>> InputError("field 'cathode.thickness_um': Input should be greater than 0", source="cell.yaml").exit_code
1
>>> NotFound("unknown cell 'std-3'").exit_code
2
"""

from __future__ import annotations


# exit statuses of the command line (docs/cli.md lists them all)
BAD_INPUT = 1
USAGE = 2


class CellbenchError(Exception):
    """Base of every error cellbench raises on purpose."""

    exit_code = 1


class InputError(CellbenchError):
    """Bad input: a file, a field or an argument that is not what cellbench expected.

    Its exit status is :data:`BAD_INPUT` when it names the file whose content is wrong (``source``), else
    :data:`USAGE` (what was typed is wrong).
    """

    exit_code = USAGE

    def __init__(self, message: str, *, source: str | None = None, location: str | None = None):
        self.source = source
        self.location = location
        self.exit_code = USAGE if source is None else BAD_INPUT
        prefix = ""
        if source:
            prefix = f"{source}"
            if location:
                prefix += f", {location}"
            prefix += ": "
        elif location:
            prefix = f"{location}: "
        super().__init__(prefix + message)

    def __reduce__(self):
        # keyword-only arguments do not survive pickling by Exception's default (an error raised in a simulation
        # worker or on a Dask cluster comes back pickled): keep the message, source, location and exit status
        return _restore, (type(self), self.args, self.__dict__)


class NotFound(InputError):
    """A named thing (cell, material, protocol, record) does not exist: a usage error, whatever it names."""

    def __init__(self, message: str, *, source: str | None = None, location: str | None = None):
        super().__init__(message, source=source, location=location)
        self.exit_code = USAGE


def _restore(cls: "type[InputError]", args: tuple, state: dict) -> "InputError":
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


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
