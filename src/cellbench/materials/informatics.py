"""Materials informatics at intake: what chemistry already knows about a submitted material, from its formula and
(optionally) its crystal structure, beside what the maker submitted.

Everything here runs offline on pymatgen: the formula gives the molar mass (pymatgen's atomic weights) and, with the
stated redox, the theoretical specific capacity F·n / (3.6·M); a CIF gives the crystallographic density, the
lithium sites and the volume per lithium. :func:`check_record` puts derived and submitted values side by side and
flags what does not fit (a capacity above the theoretical one, a density 30 % off the crystal's, a molar mass or a
lithium count that the formula does not give).

The redox is stated as the oxidation state each redox-active element reaches at the end of the half-cell window
(``redox: {Co: 4}`` for LiCoO2 charged to CoO2); the as-made states come from pymatgen's charge-balanced guess,
constrained by any ``oxidation_states`` the maker states for spectator ions (``{Mn: 4, Co: 3}`` in NCM811).

>>> round(theoretical_capacity("LiCoO2", {"Co": 4}).capacity_mAh_g, 0)
274.0
>>> round(theoretical_capacity("LiFePO4", {"Fe": 3}).capacity_mAh_g, 0)
170.0
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from cellbench.errors import InputError

FARADAY = 96485.33212  # C/mol
DENSITY_TOLERANCE = 0.30        # the threshold: a submitted density 30 % off the crystal's is flagged
MOLAR_MASS_TOLERANCE = 0.005    # rounding of atomic weights stays well inside 0.5 %
CAPACITY_TOLERANCE = 0.001      # a submitted capacity above the theoretical one by more than rounding
ENUMERATION_ATOMS = 60          # above this many atoms (once whole) pymatgen's balance enumeration takes seconds


def _pymatgen_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("pymatgen-core")  # the core split out of pymatgen in 2025
    except PackageNotFoundError:
        return version("pymatgen")


def composition(formula: str, *, field: str = "formula"):
    """The pymatgen ``Composition`` of a formula, or an :class:`InputError` naming `field`.

    Unknown element symbols (which pymatgen would keep as dummy species) are refused.
    """
    from pymatgen.core import Composition, Element

    if not isinstance(formula, str) or not formula.strip():
        raise InputError("give a chemical formula, e.g. LiCoO2", location=f"field '{field}'")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            comp = Composition(formula)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(f"cannot read the formula '{formula}' (pymatgen: {exc}); write it like "
                         "LiNi0.8Mn0.1Co0.1O2 or Li6PS5Cl", location=f"field '{field}'") from None
    unknown = [getattr(e, "symbol", str(e)) for e in comp.elements if not isinstance(e, Element)]
    if unknown:
        raise InputError(f"unknown element {', '.join(unknown)} in the formula '{formula}'",
                         location=f"field '{field}'")
    if not comp.num_atoms > 0:
        raise InputError(f"the formula '{formula}' has no atoms", location=f"field '{field}'")
    return comp


def _integer_scale(comp) -> int | None:
    """Smallest factor ≤ 1000 that makes every amount whole (NCM811 ×10), None when there is none
    (LiNi0.3333...): pymatgen balances whole compositions only."""
    scale = 1
    for amount in comp.values():
        frac = Fraction(amount).limit_denominator(1000)
        if abs(float(frac) - amount) > 1e-6:
            return None
        scale = math.lcm(scale, frac.denominator)
    return scale


def oxidation_states(formula: str, stated: Mapping[str, float] | None = None) -> dict[str, float]:
    """Average oxidation state of each element in the as-made compound, charge balanced.

    pymatgen's most probable balanced assignment, keeping the states the maker states (`stated`). No balance →
    :class:`InputError` naming ``formula`` (or ``oxidation_states`` when the stated ones are what prevent it).

    >>> oxidation_states("LiNi0.8Mn0.1Co0.1O2", {"Mn": 4, "Co": 3})["Ni"]
    2.875
    """
    comp = composition(formula)
    stated = dict(stated or {})
    missing = [el for el in stated if el not in {str(e) for e in comp.elements}]
    if missing:
        raise InputError(f"{', '.join(missing)} is not in the formula '{formula}'", location="field 'oxidation_states'")
    scale = _integer_scale(comp)
    whole = comp * scale if scale else None
    if whole is None or whole.num_atoms > ENUMERATION_ATOMS:
        return _balance_one_unknown(comp, stated, formula)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        guesses = whole.oxi_state_guesses(oxi_states_override={el: [int(v)] for el, v in stated.items()
                                                               if float(v).is_integer()} or None)
    # a stated fractional (mixed-valence average) state is matched against the guesses instead
    guesses = [g for g in guesses if all(math.isclose(g.get(el, math.nan), v, abs_tol=1e-6) for el, v in stated.items())]
    if not guesses:
        _cannot_balance(formula, stated)
    return {el: float(v) for el, v in guesses[0].items()}


def _cannot_balance(formula: str, stated: Mapping[str, float]):
    where = "oxidation_states" if stated else "formula"
    extra = f" with {', '.join(f'{k} {v:+g}' for k, v in stated.items())}" if stated else ""
    raise InputError(f"the oxidation states of '{formula}' cannot balance{extra}: check the formula "
                     "(oxygen or lithium count) or the stated states", location=f"field '{where}'")


def _balance_one_unknown(comp, stated: Mapping[str, float], formula: str) -> dict[str, float]:
    """Charge balance by arithmetic when pymatgen's enumeration would take too long (many atoms once whole, e.g.
    LiNi0.33Mn0.33Co0.34O2 → 400): every element but one has a stated state or an unambiguous one (Li +1, F −1,
    O −2); the last one's average state is what neutrality leaves, and must lie in its known range."""
    states: dict[str, float] = {}
    unknown = []
    for element in comp.elements:
        symbol = str(element)
        if symbol in stated:
            states[symbol] = float(stated[symbol])
        elif len(element.oxidation_states) == 1 or (len(element.common_oxidation_states) == 1
                                                    and element.common_oxidation_states[0] < 0):
            # one possible state (Li +1, F −1), or an anion with one common state (O −2)
            states[symbol] = float(element.common_oxidation_states[0])
        else:
            unknown.append(element)
    if len(unknown) != 1:
        scale = _integer_scale(comp)
        size = f"{(comp * scale).num_atoms:g} atoms once whole" if scale else "amounts that are no small fractions"
        raise InputError(f"'{formula}' is too large to enumerate its oxidation states ({size}): state those of all "
                         "elements but one (e.g. {Mn: 4, Co: 3})", location="field 'oxidation_states'")
    last = unknown[0]
    charge = sum(states[el] * float(comp[el]) for el in states)
    value = -charge / float(comp[last])
    known = last.oxidation_states or (0,)
    if not min(known) - 1e-9 <= value <= max(known) + 1e-9:
        _cannot_balance(formula, stated)
    states[str(last)] = round(value, 9)  # the arithmetic's last digits are noise (1.999999999999999)
    return {str(e): states[str(e)] for e in comp.elements}


class CapacityDerivation(BaseModel):
    """Theoretical specific capacity of a formula for a stated redox."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    formula: str
    molar_mass_g_mol: float
    oxidation_states: dict[str, float] = Field(description="as made, charge balanced")
    redox: dict[str, float] = Field(description="state each redox element reaches at the end of the window")
    electrons_per_formula_unit: float = Field(description="from the redox (or the stated lithium count without one)")
    lithium_per_formula_unit: float = Field(description="lithium in the formula")
    exchanged_per_formula_unit: float = Field(description="what the capacity counts: electrons, capped by the "
                                              "lithium a delithiating cathode can give up")
    limited_by: str
    capacity_mAh_g: float
    source: str


def theoretical_capacity(formula: str, redox: Mapping[str, float] | None = None, *,
                         oxidation_states_stated: Mapping[str, float] | None = None,
                         lithium_uptake: float | None = None) -> CapacityDerivation:
    """F·n / (3.6·M) for `formula` with n from the stated `redox`.

    A redox that oxidises (charge of a lithiated cathode) can release no more lithium than the formula holds;
    a host without a redox statement (graphite C6, Si) takes `lithium_uptake` lithium per formula unit.

    >>> round(theoretical_capacity("LiNi0.8Mn0.1Co0.1O2", {"Ni": 4, "Co": 4},
    ...                            oxidation_states_stated={"Mn": 4, "Co": 3}).capacity_mAh_g, 1)
    275.5
    """
    comp = composition(formula)
    mass = float(comp.weight)
    li = float(comp["Li"]) if "Li" in {str(e) for e in comp.elements} else 0.0
    states: dict[str, float] = {}
    redox = dict(redox or {})
    if redox:
        absent = [el for el in redox if el not in {str(e) for e in comp.elements}]
        if absent:
            raise InputError(f"redox element {', '.join(absent)} is not in the formula '{formula}'",
                             location="field 'redox'")
        states = oxidation_states(formula, oxidation_states_stated)
        changes = {el: float(final) - states[el] for el, final in redox.items()}
        if any(math.isclose(d, 0.0, abs_tol=1e-9) for d in changes.values()):
            same = [el for el, d in changes.items() if math.isclose(d, 0.0, abs_tol=1e-9)]
            raise InputError(f"{', '.join(same)} is already at {', '.join(f'{states[el]:+g}' for el in same)} in "
                             f"'{formula}': the stated redox changes nothing", location="field 'redox'")
        if len({d > 0 for d in changes.values()}) > 1:
            raise InputError("the stated redox both oxidises and reduces; state one direction",
                             location="field 'redox'")
        electrons = sum(abs(d) * float(comp[el]) for el, d in changes.items())
        oxidising = next(iter(changes.values())) > 0
        if oxidising and li > 0 and li < electrons - 1e-9:
            exchanged, limited = li, f"lithium in the formula ({li:g} per formula unit)"
        else:
            exchanged, limited = electrons, "the stated redox " + ", ".join(
                f"{el} {states[el]:+.3g} → {redox[el]:+g}" for el in redox)
        how = "n from the stated redox on pymatgen's charge-balanced oxidation states"
    elif lithium_uptake:
        electrons = exchanged = float(lithium_uptake)
        limited = f"the stated lithium uptake ({lithium_uptake:g} per formula unit)"
        how = "n = the stated lithium per formula unit (no redox stated)"
    elif li > 0:
        electrons = exchanged = li
        limited = "every lithium in the formula (no redox stated)"
        how = "n = lithium in the formula (no redox stated)"
    else:
        raise InputError(f"'{formula}' holds no lithium: state the redox (e.g. redox: {{Fe: 3}}) or the lithium "
                         "uptake per formula unit", location="field 'redox'")
    return CapacityDerivation(
        formula=formula, molar_mass_g_mol=mass, oxidation_states=states, redox=redox,
        electrons_per_formula_unit=electrons, lithium_per_formula_unit=li, exchanged_per_formula_unit=exchanged,
        limited_by=limited, capacity_mAh_g=FARADAY * exchanged / (3.6 * mass),
        source=f"F·n/(3.6·M); M from pymatgen {_pymatgen_version()} atomic weights; {how}")


class StructureFigures(BaseModel):
    """What a crystal structure gives cheaply and robustly."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    reduced_formula: str
    formula_units_per_cell: float = Field(description="Z")
    lattice_abc_A: tuple[float, float, float]
    volume_A3: float
    density_g_cm3: float = Field(description="crystallographic (X-ray) density: mass of the cell contents ÷ volume")
    sites: int
    lithium_sites: int = Field(description="sites that hold lithium (partly, in a disordered structure)")
    li_site_fraction: float = Field(description="lithium-bearing sites ÷ all sites")
    li_site_occupancy: float | None = Field(description="mean lithium occupancy of the lithium-bearing sites")
    lithium_per_cell: float
    volume_per_li_A3: float | None
    source: str


def read_structure(cif: str | Path, *, field: str = "structure"):
    """A pymatgen ``Structure`` from a CIF file (the conventional cell, not reduced), or an :class:`InputError`."""
    from pymatgen.io.cif import CifParser

    path = Path(cif)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the CIF ({exc.strerror})", source=str(path), location=f"field '{field}'") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            structures = CifParser.from_str(text).parse_structures(primitive=False)
    except Exception as exc:  # pymatgen raises ValueError, KeyError, IndexError... on malformed CIFs
        raise InputError(f"not a readable CIF ({type(exc).__name__}: {exc})", source=str(path),
                         location=f"field '{field}'") from None
    if not structures:
        raise InputError("the CIF holds no structure", source=str(path), location=f"field '{field}'")
    return structures[0]


def structure_figures(structure: Any) -> StructureFigures:
    """Density, Z, lithium sites and volume per lithium of a pymatgen ``Structure`` (or a CIF path).

    >>> from pymatgen.core import Lattice, Structure
    >>> s = Structure(Lattice.cubic(4.0), ["Li", "Cl"], [[0, 0, 0], [0.5, 0.5, 0.5]])
    >>> structure_figures(s).volume_per_li_A3
    64.0
    """
    if isinstance(structure, (str, Path)):
        structure = read_structure(structure)
    comp = structure.composition
    reduced, z = comp.get_reduced_composition_and_factor()
    li_sites = [site for site in structure if any(str(getattr(sp, "element", sp)) == "Li" for sp in site.species)]
    li_total = float(sum(site.species.get_el_amt_dict().get("Li", 0.0) for site in li_sites))
    return StructureFigures(
        reduced_formula=reduced.reduced_formula, formula_units_per_cell=float(z),
        lattice_abc_A=tuple(float(x) for x in structure.lattice.abc), volume_A3=float(structure.volume),
        density_g_cm3=float(structure.density), sites=len(structure), lithium_sites=len(li_sites),
        li_site_fraction=len(li_sites) / len(structure),
        li_site_occupancy=li_total / len(li_sites) if li_sites else None,
        lithium_per_cell=li_total, volume_per_li_A3=float(structure.volume) / li_total if li_total else None,
        source=f"crystal structure through pymatgen {_pymatgen_version()} (Structure.density, lattice volume)")


class Comparison(BaseModel):
    """A derived value beside the submitted one."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    field: str
    unit: str
    derived: float | None
    derived_source: str
    submitted: float | None
    submitted_source: str
    deviation_pct: float | None = Field(description="(submitted − derived) ÷ derived")
    flag: str | None = Field(None, description="why the submitted value does not fit, if it does not")


class IntakeReport(BaseModel):
    """Derived and submitted values of one material, side by side, with what does not fit."""

    model_config = ConfigDict(extra="forbid")
    material: str
    role: str
    formula: str
    capacity: CapacityDerivation | None = None
    structure: StructureFigures | None = None
    comparisons: list[Comparison]
    flags: list[str]

    @property
    def consistent(self) -> bool:
        return not self.flags


def _compare(field: str, unit: str, derived: float | None, derived_source: str, submitted: float | None,
             submitted_source: str, flag_if) -> Comparison:
    dev = None if derived in (None, 0) or submitted is None else 100.0 * (submitted - derived) / derived
    flag = flag_if(derived, submitted, dev) if derived is not None and submitted is not None else None
    return Comparison(field=field, unit=unit, derived=derived, derived_source=derived_source, submitted=submitted,
                      submitted_source=submitted_source, deviation_pct=dev, flag=flag)


def check_record(record: Any, structure: Any = None) -> IntakeReport:
    """Derive what the formula (and the structure, if given) says about a material record and check the submitted
    values against it. The record needs a ``formula``; active materials may state ``redox`` and
    ``oxidation_states`` (see the module docstring)."""
    formula = getattr(record, "formula", None)
    if not formula:
        raise InputError("the record has no formula: add e.g. 'formula: LiCoO2' to check it",
                         location="field 'formula'")
    comp = composition(formula)
    active = hasattr(record, "specific_capacity_mAh_g")
    rows: list[Comparison] = []
    capacity = None
    if active:
        redox = getattr(record, "redox", None)
        uptake = None if redox or "Li" in {str(e) for e in comp.elements} else record.lithium_per_formula_unit
        capacity = theoretical_capacity(formula, redox, oxidation_states_stated=getattr(record, "oxidation_states", None),
                                        lithium_uptake=uptake)
        rows.append(_compare(
            "specific_capacity_mAh_g", "mAh/g", capacity.capacity_mAh_g, capacity.source,
            record.specific_capacity_mAh_g, record.source_of("specific_capacity_mAh_g"),
            lambda d, s, dev: (f"submitted {s:g} mAh/g is above the theoretical {d:.1f} mAh/g of {formula} "
                               f"(limited by {capacity.limited_by})") if s > d * (1 + CAPACITY_TOLERANCE) else None))
        if redox:  # without one, the count came from the record itself: nothing to compare
            rows.append(_compare(
                "lithium_per_formula_unit", "Li/f.u.", capacity.exchanged_per_formula_unit, capacity.source,
                record.lithium_per_formula_unit, "the record (default 1)",
                lambda d, s, dev: (f"the record counts {s:g} lithium per formula unit; {formula} with the stated "
                                   f"redox exchanges {d:.3g}") if not math.isclose(d, s, rel_tol=0.01) else None))
    submitted_mass = getattr(record, "molar_mass_g_mol", None)
    rows.append(_compare(
        "molar_mass_g_mol", "g/mol", float(comp.weight), f"{formula}, pymatgen {_pymatgen_version()} atomic weights",
        submitted_mass, record.source_of("molar_mass_g_mol") if submitted_mass is not None else "",
        lambda d, s, dev: (f"submitted molar mass {s:g} g/mol is not that of {formula} ({d:.2f} g/mol)")
        if abs(dev) > 100 * MOLAR_MASS_TOLERANCE else None))
    figures = None
    flags: list[str] = []
    if structure is not None:
        figures = structure_figures(structure)
        if figures.reduced_formula != comp.reduced_formula:
            flags.append(f"the structure is {figures.reduced_formula}, the formula {comp.reduced_formula}: the "
                         "derived values do not describe the same compound")
        rows.append(_compare(
            "density_g_cm3", "g/cm³", figures.density_g_cm3, figures.source, record.density_g_cm3,
            record.source_of("density_g_cm3"),
            lambda d, s, dev: (f"submitted density {s:g} g/cm³ is {dev:+.0f}% off the crystallographic "
                               f"{d:.3g} g/cm³ (more than {100 * DENSITY_TOLERANCE:.0f}%)")
            if abs(dev) > 100 * DENSITY_TOLERANCE else None))
    flags = [r.flag for r in rows if r.flag] + flags
    return IntakeReport(material=record.id, role=record.role, formula=formula, capacity=capacity, structure=figures,
                        comparisons=rows, flags=flags)
