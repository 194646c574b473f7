"""The access tiers of every stored record: the one definition of their names.

- ``private`` (the default): the owner organisation only;
- ``named``: the owner and the organisations named in the record's grants (the programme's "individually limited
  information");
- ``consortium``: the owner and members of the consortia named in its grants;
- ``public``: every signed-in user.

>>> check_tier("named")
'named'
>>> check_tier("secret")
Traceback (most recent call last):
...
cellbench.errors.InputError: tier: tier must be one of private, named, consortium, public, not 'secret'
"""

from __future__ import annotations

from typing import Literal, get_args

from cellbench.errors import InputError

Tier = Literal["private", "named", "consortium", "public"]
ACCESS_TIERS: tuple[str, ...] = get_args(Tier)


def check_tier(tier: str, *, location: str = "tier") -> str:
    """``tier`` if it is one of :data:`ACCESS_TIERS`, else an InputError naming ``location``."""
    if tier not in ACCESS_TIERS:
        raise InputError(f"tier must be one of {', '.join(ACCESS_TIERS)}, not '{tier}'", location=location)
    return tier


def tier_constraint(column: str = "access_tier") -> str:
    """The SQL CHECK condition that keeps ``column`` to the tiers (the tables' ``ck_*_access_tier``)."""
    return f"{column} IN ({', '.join(repr(t) for t in ACCESS_TIERS)})"
