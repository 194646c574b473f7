"""Element content of materials: chemical formulas × IUPAC atomic weights → mass fraction of each element.

Compositions live in ``data/element_contents.yaml`` (compounds with mass fractions and a source per material);
``graphite`` is carbon in graphite form, kept apart because recyclers report it on its own.

>>> round(element_fractions("ncm811")["Ni"], 4)
0.4827
>>> formula_elements("LiPF6")
{'Li': 1.0, 'P': 1.0, 'F': 6.0}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from cellbench.errors import InputError, NotFound
from cellbench.sustainability.data_files import packaged

GRAPHITE = "graphite"
_TOKEN = re.compile(r"([A-Z][a-z]?)(\d+(?:\.\d+)?)?")


def formula_elements(formula: str) -> dict[str, float]:
    """Atoms of each element in a plain formula (no brackets), e.g. ``LiNi0.8Mn0.1Co0.1O2``."""
    if formula == GRAPHITE:
        return {GRAPHITE: 1.0}
    atoms: dict[str, float] = {}
    pos = 0
    for m in _TOKEN.finditer(formula):
        if m.start() != pos:
            break
        atoms[m.group(1)] = atoms.get(m.group(1), 0.0) + float(m.group(2) or 1)
        pos = m.end()
    if pos != len(formula) or not atoms:
        raise InputError(f"cannot read chemical formula '{formula}' (write it without brackets, e.g. Li6PS5Cl)")
    return atoms


def _atomic_weight(symbol: str) -> float:
    weights = packaged("atomic_weights.yaml")["g_per_mol"]
    if symbol == GRAPHITE:
        return weights["C"]
    if symbol not in weights:
        raise InputError(f"element '{symbol}' has no atomic weight in atomic_weights.yaml")
    return weights[symbol]


def compound_fractions(formula: str) -> dict[str, float]:
    """Mass fraction of each element in one compound."""
    masses = {el: n * _atomic_weight(el) for el, n in formula_elements(formula).items()}
    total = sum(masses.values())
    return {el: m / total for el, m in masses.items()}


@lru_cache(maxsize=None)
def _fractions_cached(material_id: str) -> tuple[tuple[str, float], ...]:
    records = packaged("element_contents.yaml")["materials"]
    if material_id not in records:
        raise NotFound(f"material '{material_id}' has no element composition in sustainability/data/element_contents.yaml")
    out: dict[str, float] = {}
    for formula, share in records[material_id]["compounds"].items():
        for el, f in compound_fractions(formula).items():
            out[el] = out.get(el, 0.0) + share * f
    return tuple(out.items())


def element_fractions(material_id: str) -> dict[str, float]:
    """Mass fraction of each element in a material (sums to the compounds' shares, normally 1)."""
    return dict(_fractions_cached(material_id))


def element_masses_kg(bill_kg: Mapping[str, float]) -> dict[str, float]:
    """kg of each element in a bill of materials (material id → kg).

    >>> round(element_masses_kg({"cu-foil": 2.0, "ncm811": 1.0})["Cu"], 3)
    2.0
    """
    out: dict[str, float] = {}
    for material, kg in bill_kg.items():
        for el, f in element_fractions(material).items():
            out[el] = out.get(el, 0.0) + kg * f
    return out
