"""Translate a CellDesign into PyBaMM parameter values: the one place where units become SI.

Geometry, loadings and porosities come from the design; OCPs, diffusivities and kinetics from its
materials. All-solid-state cells (docs/simulation.md) use the same DFN equations with:

- the solid electrolyte as a single-ion conductor (transference number 1, so no salt gradient forms);
- the electrolyte phase volume fraction ε_SE of each composite as PyBaMM's "porosity" (voids carry nothing);
- effective ionic conductivity σ_SE · ε_SE / τ, τ the path-resistance coefficient (Bruggeman ε^-½ by default),
  entered as a per-layer Bruggeman exponent b = ln(ε/τ)/ln(ε);
- a contact ratio θ scaling the reacting surface and an interfacial film resistance in series with charge
  transfer (see :func:`cellbench.simulate.parameter_functions._exchange_current_density`);
- Arrhenius temperature dependence of SE conductivity, diffusivity and kinetics.

>>> from cellbench import cells
>>> cell = to_pybamm(cells.load("std-2.1"))
>>> round(cell.nominal_capacity_Ah * 1000, 1)
8.0
"""

from __future__ import annotations

import math
import re
from typing import Any

import pybamm

from cellbench.cells import CellDesign, CompositeLayer, LithiumFoil
from cellbench.cells.figures import mass_breakdown_g, outline_volume_cm3, stack_volume_cm3
from cellbench.cells.figures import stoichiometry_window as figures_stoichiometry_window
from cellbench.errors import InputError
from cellbench.materials.records import ActiveMaterial, LiquidElectrolyte, SolidElectrolyte
from cellbench.simulate import parameter_functions as fn
from cellbench.simulate.calibration import load_calibration
from cellbench.simulate.pybamm_cell import PybammCell

SIDES = {"cathode": "Positive", "anode": "Negative"}
# Parameters that vary without a new model build (PyBaMM inputs); the overrides below address them.
TUNABLE = (
    "Positive particle diffusivity at 25 C [m2.s-1]", "Negative particle diffusivity at 25 C [m2.s-1]",
    "Positive electrode exchange-current density at 25 C [A.m-2]",
    "Negative electrode exchange-current density at 25 C [A.m-2]",
    "Positive electrode contact ratio", "Negative electrode contact ratio",
    "Positive electrode film resistance [Ohm.m2]", "Negative electrode film resistance [Ohm.m2]",
    "Positive electrode Bruggeman coefficient (electrolyte)", "Negative electrode Bruggeman coefficient (electrolyte)",
    "Separator Bruggeman coefficient (electrolyte)",
    "Positive electrode conductivity [S.m-1]", "Negative electrode conductivity [S.m-1]",
    "Total heat transfer coefficient [W.m-2.K-1]",
)
SOLID_TUNABLE = ("Solid electrolyte conductivity at 25 C [S.m-1]",)
LIQUID_TUNABLE = ("Liquid electrolyte conductivity at 25 C [S.m-1]", "Liquid electrolyte diffusivity at 25 C [m2.s-1]")
# Defaults where a datasheet has no value (documented in docs/simulation.md).
DEFAULT_SOLID_DIFFUSIVITY_CM2_S = 1e-10
DEFAULT_ACTIVATION_ENERGY_KJ_MOL = 30.0
DEFAULT_EXCHANGE_CURRENT_MA_CM2 = 0.1
DEFAULT_PARTICLE_D50_UM = 10.0
DEFAULT_ELECTRONIC_CONDUCTIVITY_S_CM = 1.0
DEFAULT_HEAT_TRANSFER_W_M2K = 10.0
DEFAULT_SPECIFIC_HEAT_J_KGK = 1000.0
# Path-resistance coefficient of an all-solid-state composite electrode without a measured one: measured ionic
# tortuosity factors of NCM/argyrodite composite cathodes span about 3 to 13 (Minnmann et al., J. Electrochem. Soc.
# 168 (2021) 040537; Bielefeld et al., ACS Appl. Mater. Interfaces 12 (2020) 12821), far above Bruggeman's ε^-½
# (about 1.6-1.9 at the SE fractions of these composites); 6 is the geometric middle of that range.
DEFAULT_ASSB_COMPOSITE_TAU = 6.0
REFERENCE_ELECTROLYTE_CONCENTRATION = 1000.0  # mol/m3; for a solid electrolyte only a reference
# The cathode film of an all-solid-state cell is solved exactly through PyBaMM's film-overpotential option
# ("SEI film resistance": "distributed" on a constant positive-electrode film): η_film = j · R_f / θ.
EXACT_CATHODE_FILM_OPTIONS = {"SEI": ("none", "constant"), "SEI film resistance": "distributed"}
FILM_THICKNESS_M = 5e-9  # nominal: PyBaMM's film is thickness x resistivity; only the product R_f acts


def with_overrides(cell: PybammCell, overrides: dict[str, float]) -> PybammCell:
    """A copy of `cell` with overrides applied (the original is left alone)."""
    from dataclasses import replace

    if not overrides:
        return cell
    copy = replace(cell, parameter_values=cell.parameter_values.copy())
    apply_design_overrides(copy, overrides)
    return copy


def to_pybamm(design: CellDesign, overrides: dict[str, float] | None = None, *, calibrated: bool = True) -> PybammCell:
    """The PyBaMM view of a design. `overrides` take design-level names (see :data:`OVERRIDES`) or PyBaMM
    names; the cell's calibration file (simulate/data/calibration/<id>.yaml), if any, applies first."""
    design.check_materials()
    pv = pybamm.ParameterValues("Chen2020")  # template for the few values a design does not carry (see docs)
    notes: dict[str, Any] = {"template": "PyBaMM Chen2020 (thermal data of collectors, double-layer capacity, "
                                         "charge-transfer coefficient 0.5)", "sources": {}}
    solid = design.electrolyte_type == "solid"
    lithium_metal = isinstance(design.anode, LithiumFoil)
    capacity_Ah = design.rated_capacity_mAh() / 1000.0
    updates: dict[str, Any] = {
        "Electrode width [m]": design.electrode_width_mm / 1000.0,
        "Electrode height [m]": design.electrode_length_mm / 1000.0,
        "Number of electrodes connected in parallel to make a cell": float(design.stack.unit_cells),
        "Number of cells connected in series to make a battery": 1.0,
        "Nominal cell capacity [A.h]": capacity_Ah,
        "Current function [A]": capacity_Ah,
        "Lower voltage cut-off [V]": design.voltage_min_V,
        "Upper voltage cut-off [V]": design.voltage_max_V,
        "Open-circuit voltage at 0% SOC [V]": design.voltage_min_V,
        "Open-circuit voltage at 100% SOC [V]": design.voltage_max_V,
        "Separator thickness [m]": design.separator.thickness_um * 1e-6,
        "Positive current collector thickness [m]": design.cathode_collector.thickness_um * 1e-6,
        "Negative current collector thickness [m]": design.anode_collector.thickness_um * 1e-6,
        "Reference electrolyte concentration [mol.m-3]": REFERENCE_ELECTROLYTE_CONCENTRATION,
    }
    updates.update(_thermal(design))
    updates.update(_electrode(design, "cathode", solid))
    if lithium_metal:
        updates.update(_lithium_metal(design))
    else:
        updates.update(_electrode(design, "anode", solid))
    updates.update(_electrolyte(design, solid))
    exact_film = solid and not lithium_metal
    updates.update(_film_terms(exact_film))
    pv.update(updates, check_already_exists=False)
    tunable = TUNABLE + (SOLID_TUNABLE if solid else LIQUID_TUNABLE)
    if lithium_metal:
        tunable = tuple(t for t in tunable if not t.startswith("Negative")) + (
            "Lithium metal exchange-current density at 25 C [A.m-2]",)
    cell = PybammCell(
        name=design.id, parameter_values=pv, nominal_capacity_Ah=capacity_Ah,
        voltage_min_V=design.voltage_min_V, voltage_max_V=design.voltage_max_V,
        stoichiometry_0_100=stoichiometry_window(design),
        model_options=({"working electrode": "positive"} if lithium_metal
                       else dict(EXACT_CATHODE_FILM_OPTIONS) if exact_film else {}),
        tunable=tunable, design_hash=design.content_hash()[:16], notes=notes)
    if calibrated:
        calibration = load_calibration(design.calibration_id)
        if calibration is not None:
            applied, carried = calibration_overrides(design, calibration.overrides)
            apply_design_overrides(cell, applied)
            notes["calibration"] = {**calibration.model_dump(), "applied": applied, "carried_to_candidate": carried}
    if overrides:
        apply_design_overrides(cell, overrides)
    return cell


#: calibration overrides that stand for a property of one material: override -> (role, material field)
MATERIAL_OVERRIDES = {
    "cathode_diffusivity_cm2_s": ("cathode_active", "diffusivity_cm2_s"),
    "anode_diffusivity_cm2_s": ("anode_active", "diffusivity_cm2_s"),
    "cathode_exchange_current_density_mA_cm2": ("cathode_active", "exchange_current_density_mA_cm2"),
    "anode_exchange_current_density_mA_cm2": ("anode_active", "exchange_current_density_mA_cm2"),
    "solid_electrolyte_conductivity_S_cm": ("solid_electrolyte", "ionic_conductivity_S_cm"),
    "liquid_electrolyte_conductivity_S_cm": ("liquid_electrolyte", "ionic_conductivity_S_cm"),
    "liquid_electrolyte_diffusivity_cm2_s": ("liquid_electrolyte", "salt_diffusivity_cm2_s"),
    "cathode_diffusivity_activation_energy_kJ_mol": ("cathode_active", "diffusivity_activation_energy_kJ_mol"),
    "anode_diffusivity_activation_energy_kJ_mol": ("anode_active", "diffusivity_activation_energy_kJ_mol"),
    "cathode_kinetics_activation_energy_kJ_mol": ("cathode_active", "kinetics_activation_energy_kJ_mol"),
    "anode_kinetics_activation_energy_kJ_mol": ("anode_active", "kinetics_activation_energy_kJ_mol"),
    "electrolyte_conductivity_activation_energy_kJ_mol": ("liquid_electrolyte", "conductivity_activation_energy_kJ_mol"),
}


def calibration_overrides(design: CellDesign, overrides: dict[str, float]) -> tuple[dict[str, float], dict[str, dict]]:
    """The calibration's overrides as they apply to `design`.

    A calibration belongs to the base design of a lineage. Where it sets a property of the material a substitution
    replaced, the candidate keeps its own value times the calibration's correction (calibrated ÷ library value of
    the replaced material): the calibration stays a correction of the model, never a value imposed on the new
    material. A copy of the replaced material therefore gets exactly the baseline's value. Returns the overrides to
    apply and, for each carried one, the factor and the materials involved (the report flags these)."""
    sub = design.substitution
    if sub is None:
        return dict(overrides), {}
    applied, carried = dict(overrides), {}
    for name, value in overrides.items():
        role_field = MATERIAL_OVERRIDES.get(name)
        if role_field is None or role_field[0] != sub.role:
            continue
        field = role_field[1]
        replaced = [getattr(design.material(r), field, None) for r in sub.replaced]
        replaced = [v for v in replaced if v]
        own = getattr(design.material(sub.by), field, None)
        if not replaced or not own:
            continue
        factor = float(value) / replaced[0]
        applied[name] = own * factor
        carried[name] = {"factor": factor, "replaced": sub.replaced, "by": sub.by, "value": applied[name]}
    return applied, carried


# -- design-level overrides -------------------------------------------------------------------------------
def _bruggeman_for(layer: str):
    def convert(value: float, cell: PybammCell) -> dict[str, float]:
        side = {"cathode": "Positive electrode", "anode": "Negative electrode", "separator": "Separator"}[layer]
        eps = cell.parameter_values[f"{side} porosity"]
        return {f"{side} Bruggeman coefficient (electrolyte)": bruggeman_exponent(eps, value)}
    return convert


def _scaled(name: str, factor: float):
    return lambda value, cell: {name: value * factor}


def _contact_resistance(value: float, cell: PybammCell) -> dict[str, float]:
    """A lumped series resistance (tabs, welds, can, cycler contacts) in mΩ: PyBaMM's contact-resistance option,
    whose Joule heat the lumped thermal model counts. The option changes the model, so the copy gets new options."""
    cell.model_options = {**cell.model_options, "contact resistance": "true"}
    return {"Contact resistance at 25 C [Ohm]": value / 1000.0}


#: design-level override name -> conversion to PyBaMM parameters (units as a battery engineer writes them)
OVERRIDES = {
    "solid_electrolyte_conductivity_S_cm": _scaled("Solid electrolyte conductivity at 25 C [S.m-1]", 100.0),
    "liquid_electrolyte_conductivity_S_cm": _scaled("Liquid electrolyte conductivity at 25 C [S.m-1]", 100.0),
    "cathode_contact_ratio": _scaled("Positive electrode contact ratio", 1.0),
    "anode_contact_ratio": _scaled("Negative electrode contact ratio", 1.0),
    "cathode_film_resistance_ohm_cm2": _scaled("Positive electrode film resistance [Ohm.m2]", 1e-4),
    "anode_film_resistance_ohm_cm2": _scaled("Negative electrode film resistance [Ohm.m2]", 1e-4),
    "cathode_path_resistance_coefficient": _bruggeman_for("cathode"),
    "anode_path_resistance_coefficient": _bruggeman_for("anode"),
    "separator_path_resistance_coefficient": _bruggeman_for("separator"),
    "cathode_diffusivity_cm2_s": _scaled("Positive particle diffusivity at 25 C [m2.s-1]", 1e-4),
    "anode_diffusivity_cm2_s": _scaled("Negative particle diffusivity at 25 C [m2.s-1]", 1e-4),
    "cathode_exchange_current_density_mA_cm2": _scaled("Positive electrode exchange-current density at 25 C [A.m-2]", 10.0),
    "anode_exchange_current_density_mA_cm2": _scaled("Negative electrode exchange-current density at 25 C [A.m-2]", 10.0),
    "cathode_electronic_conductivity_S_cm": _scaled("Positive electrode conductivity [S.m-1]", 100.0),
    "anode_electronic_conductivity_S_cm": _scaled("Negative electrode conductivity [S.m-1]", 100.0),
    "heat_transfer_W_m2K": _scaled("Total heat transfer coefficient [W.m-2.K-1]", 1.0),
    # temperature dependence and capacity, as fitted by `cellbench calibrate` (cellbench.calibration.parameters)
    "cathode_diffusivity_activation_energy_kJ_mol": _scaled("Positive particle diffusivity activation energy [J.mol-1]", 1000.0),
    "anode_diffusivity_activation_energy_kJ_mol": _scaled("Negative particle diffusivity activation energy [J.mol-1]", 1000.0),
    "cathode_kinetics_activation_energy_kJ_mol": _scaled("Positive electrode exchange-current activation energy [J.mol-1]", 1000.0),
    "anode_kinetics_activation_energy_kJ_mol": _scaled("Negative electrode exchange-current activation energy [J.mol-1]", 1000.0),
    "electrolyte_conductivity_activation_energy_kJ_mol": _scaled("Electrolyte conductivity activation energy [J.mol-1]", 1000.0),
    "electrolyte_diffusivity_activation_energy_kJ_mol": _scaled("Electrolyte diffusivity activation energy [J.mol-1]", 1000.0),
    "liquid_electrolyte_diffusivity_cm2_s": _scaled("Liquid electrolyte diffusivity at 25 C [m2.s-1]", 1e-4),
    "contact_resistance_mohm": _contact_resistance,
    "contact_resistance_activation_energy_kJ_mol": _scaled("Contact resistance activation energy [J.mol-1]", 1000.0),
    "cathode_active_fraction": _scaled("Positive electrode active material volume fraction", 1.0),
    "anode_active_fraction": _scaled("Negative electrode active material volume fraction", 1.0),
}


def apply_design_overrides(cell: PybammCell, overrides: dict[str, float]) -> None:
    """Apply overrides in place: design-level names (:data:`OVERRIDES`) or PyBaMM parameter names."""
    pv = cell.parameter_values
    for name, value in overrides.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise InputError(f"override '{name}': expected a number, got {value!r}", location="overrides")
        if name in OVERRIDES:
            pv.update(OVERRIDES[name](float(value), cell))
        elif name in pv.keys():
            pv.update({name: value})
        else:
            raise InputError(f"unknown override '{name}': expected one of {', '.join(OVERRIDES)} or a PyBaMM "
                             "parameter name", location="overrides")


# -- pieces ----------------------------------------------------------------------------------------------
def bruggeman_exponent(volume_fraction: float, path_resistance_coefficient: float | None) -> float:
    """Exponent b with ε^b = ε/τ, so PyBaMM's Bruggeman form gives σ_eff = σ·ε/τ.

    τ = None means Bruggeman's own τ = ε^-½, i.e. b = 1.5.

    >>> round(bruggeman_exponent(0.3, None), 6)
    1.5
    >>> round(0.3 ** bruggeman_exponent(0.3, 4.0), 6) == round(0.3 / 4.0, 6)
    True
    """
    if path_resistance_coefficient is None:
        return 1.5
    if not 0 < volume_fraction < 1:
        raise InputError(f"an electrolyte volume fraction of {volume_fraction:g} cannot carry a path-resistance "
                         "coefficient; expected 0 < ε < 1")
    return math.log(volume_fraction / path_resistance_coefficient) / math.log(volume_fraction)


def composite_tau(layer: CompositeLayer, solid: bool) -> float | None:
    """The path-resistance coefficient a composite electrode is simulated with: its own (measured, e.g. by
    :mod:`cellbench.microstructure`), else :data:`DEFAULT_ASSB_COMPOSITE_TAU` in an all-solid-state cell, else
    None (Bruggeman, the liquid-cell convention)."""
    if layer.path_resistance_coefficient is not None:
        return layer.path_resistance_coefficient
    return DEFAULT_ASSB_COMPOSITE_TAU if solid else None


def stoichiometry_window(design: CellDesign) -> dict[str, tuple[float, float]]:
    """Stoichiometries at 0 % and 100 % SOC by PyBaMM electrode name, from the design's balance convention
    (:func:`cellbench.cells.figures.stoichiometry_window`)."""
    names = {"cathode": "positive", "anode": "negative"}
    return {names[k]: v for k, v in figures_stoichiometry_window(design).items()}


def _electrolyte_fraction(design: CellDesign, electrode: str, solid: bool) -> float:
    layer = design.layer(electrode)
    if solid:
        return design.volume_fraction_of_role(electrode, "solid_electrolyte")
    return layer.porosity


def _electrode(design: CellDesign, electrode: str, solid: bool) -> dict[str, Any]:
    side = SIDES[electrode]
    layer: CompositeLayer = design.layer(electrode)
    active: ActiveMaterial = design.active_material(electrode)
    fractions = design.volume_fractions(electrode)
    eps = _electrolyte_fraction(design, electrode, solid)
    if eps <= 0:
        raise InputError(f"the {electrode} has no electrolyte phase (ε = 0): ions cannot reach the active material",
                         location=f"field '{electrode}'")
    ocp = active.ocp
    kinetics_energy = active.kinetics_activation_energy_kJ_mol or DEFAULT_ACTIVATION_ENERGY_KJ_MOL
    diffusion_energy = active.diffusivity_activation_energy_kJ_mol or DEFAULT_ACTIVATION_ENERGY_KJ_MOL
    contact = layer.contact_ratio
    film = design.film_resistance_ohm_cm2(electrode)
    lower = "positive" if side == "Positive" else "negative"
    return {
        f"{side} electrode thickness [m]": layer.thickness_um * 1e-6,
        f"{side} electrode porosity": eps,
        f"{side} electrode active material volume fraction": fractions[active.id],
        f"{side} particle radius [m]": (active.particle_size_d50_um or DEFAULT_PARTICLE_D50_UM) / 2 * 1e-6,
        f"Maximum concentration in {lower} electrode [mol.m-3]": active.max_concentration_mol_m3,
        f"Initial concentration in {lower} electrode [mol.m-3]": 0.5 * active.max_concentration_mol_m3,
        f"{side} electrode OCP [V]": fn.OcpCurve("ocp_" + re.sub(r"[^A-Za-z0-9]+", "_", active.id).strip("_"), ocp.stoichiometry, ocp.potential_V),
        f"{side} electrode OCP entropic change [V.K-1]": 0.0,
        f"{side} particle diffusivity [m2.s-1]": getattr(fn, f"{lower}_particle_diffusivity"),
        f"{side} particle diffusivity at 25 C [m2.s-1]": (active.diffusivity_cm2_s or DEFAULT_SOLID_DIFFUSIVITY_CM2_S) * 1e-4,
        f"{side} particle diffusivity activation energy [J.mol-1]": diffusion_energy * 1000.0,
        f"{side} electrode exchange-current density [A.m-2]": getattr(fn, f"{lower}_exchange_current_density"),
        f"{side} electrode exchange-current density at 25 C [A.m-2]":
            (active.exchange_current_density_mA_cm2 or DEFAULT_EXCHANGE_CURRENT_MA_CM2) * 10.0,
        f"{side} electrode exchange-current activation energy [J.mol-1]": kinetics_energy * 1000.0,
        f"{side} electrode contact ratio": contact,
        f"{side} electrode film resistance [Ohm.m2]": film * 1e-4,
        f"{side} electrode Bruggeman coefficient (electrolyte)": bruggeman_exponent(eps, composite_tau(layer, solid)),
        f"{side} electrode Bruggeman coefficient (electrode)": 0.0,
        f"{side} electrode conductivity [S.m-1]": electrode_conductivity_S_m(design, electrode),
    }


def electrode_conductivity_S_m(design: CellDesign, electrode: str) -> float:
    """Effective electronic conductivity of a composite: each electronic conductor contributes σ_i · φ_i^1.5
    (Bruggeman for a conducting phase in a composite), summed (parallel paths)."""
    total = 0.0
    for material_id, phi in design.volume_fractions(electrode).items():
        record = design.material(material_id)
        sigma = getattr(record, "electronic_conductivity_S_cm", None)
        if record.role.endswith("_active") and sigma is None:
            sigma = DEFAULT_ELECTRONIC_CONDUCTIVITY_S_CM
        if sigma and record.role in ("cathode_active", "anode_active", "conductive_additive"):
            total += sigma * 100.0 * phi**1.5
    return total


def _film_terms(exact_cathode_film: bool) -> dict[str, Any]:
    """Where each electrode's film resistance acts: linearised inside j0, or (cathode of a solid cell) as
    PyBaMM's distributed film overpotential, whose resistivity is R_f / (θ · thickness) — the film sits on
    the contacting area only, so the current through it is j/θ."""
    film = {side: pybamm.Parameter(f"{side} electrode film resistance [Ohm.m2]") for side in SIDES.values()}
    out = {"Negative electrode film resistance in kinetics [Ohm.m2]": film["Negative"],
           "Positive electrode film resistance in kinetics [Ohm.m2]": film["Positive"]}
    if exact_cathode_film:
        out["Positive electrode film resistance in kinetics [Ohm.m2]"] = pybamm.Scalar(0.0)
        out["Initial SEI thickness [m]"] = FILM_THICKNESS_M
        out["SEI resistivity [Ohm.m]"] = film["Positive"] / (
            pybamm.Parameter("Positive electrode contact ratio") * pybamm.Parameter("Initial SEI thickness [m]"))
    return out


def _lithium_metal(design: CellDesign) -> dict[str, Any]:
    active = design.active_material("anode")
    return {
        "Exchange-current density for lithium metal electrode [A.m-2]": fn.lithium_metal_exchange_current_density,
        "Lithium metal exchange-current density at 25 C [A.m-2]": (active.exchange_current_density_mA_cm2 or 1.0) * 10.0,
        "Lithium metal exchange-current activation energy [J.mol-1]":
            (active.kinetics_activation_energy_kJ_mol or DEFAULT_ACTIVATION_ENERGY_KJ_MOL) * 1000.0,
        "Lithium metal partial molar volume [m3.mol-1]": 6.94e-3 / (active.density_g_cm3 * 1e3),
        "Negative electrode thickness [m]": design.anode.thickness_um * 1e-6,
        "Negative electrode conductivity [S.m-1]": (active.electronic_conductivity_S_cm or 1e5) * 100.0,
        "Negative electrode OCP [V]": 0.0,
        "Negative electrode OCP entropic change [V.K-1]": 0.0,
    }


def _electrolyte(design: CellDesign, solid: bool) -> dict[str, Any]:
    if solid:
        se = design.material(design.separator.material, SolidElectrolyte)   # an SE layer in a solid cell
        sep_eps = 1.0 - design.separator.porosity
        out = {
            "Electrolyte conductivity [S.m-1]": fn.solid_electrolyte_conductivity,
            "Electrolyte diffusivity [m2.s-1]": fn.solid_electrolyte_diffusivity,
            "Solid electrolyte conductivity at 25 C [S.m-1]": se.ionic_conductivity_S_cm * 100.0,
            "Solid electrolyte nominal diffusivity [m2.s-1]": 1e-10,
            "Electrolyte conductivity activation energy [J.mol-1]":
                (se.conductivity_activation_energy_kJ_mol or DEFAULT_ACTIVATION_ENERGY_KJ_MOL) * 1000.0,
            "Cation transference number": se.transference_number,
            "Initial concentration in electrolyte [mol.m-3]": REFERENCE_ELECTROLYTE_CONCENTRATION,
            "Thermodynamic factor": 1.0,
            "Separator porosity": sep_eps,
            "Separator Bruggeman coefficient (electrolyte)":
                bruggeman_exponent(sep_eps, design.separator.path_resistance_coefficient),
        }
        # A composite whose SE differs from the separator's: scale its effective conductivity at 25 °C.
        for electrode in ("cathode", "anode"):
            layer = design.layer(electrode)
            if isinstance(layer, LithiumFoil):
                continue
            own = design.solid_electrolyte(electrode)
            if own is not None and own.id != se.id:
                eps = _electrolyte_fraction(design, electrode, True)
                ratio = own.ionic_conductivity_S_cm / se.ionic_conductivity_S_cm
                tau = composite_tau(layer, True)
                out[f"{SIDES[electrode]} electrode Bruggeman coefficient (electrolyte)"] = \
                    math.log(ratio * eps / tau) / math.log(eps)
        return out
    liquid = design.material(str(design.liquid_electrolyte), LiquidElectrolyte)
    c_ref = liquid.salt_concentration_mol_L * 1000.0
    return {
        "Electrolyte conductivity [S.m-1]": fn.liquid_electrolyte_conductivity,
        "Electrolyte diffusivity [m2.s-1]": fn.liquid_electrolyte_diffusivity,
        "Liquid electrolyte conductivity at 25 C [S.m-1]": liquid.ionic_conductivity_S_cm * 100.0,
        "Liquid electrolyte diffusivity at 25 C [m2.s-1]": (liquid.salt_diffusivity_cm2_s or 3e-6) * 1e-4,
        "Electrolyte conductivity activation energy [J.mol-1]":
            (liquid.conductivity_activation_energy_kJ_mol or 17.0) * 1000.0,
        # the record has one activation energy; a calibration may set the diffusivity's own
        "Electrolyte diffusivity activation energy [J.mol-1]":
            (liquid.conductivity_activation_energy_kJ_mol or 17.0) * 1000.0,
        "Cation transference number": liquid.transference_number,
        "Initial concentration in electrolyte [mol.m-3]": c_ref,
        "Reference electrolyte concentration [mol.m-3]": c_ref,
        "Thermodynamic factor": 1.0,
        "Separator porosity": design.separator.porosity,
        "Separator Bruggeman coefficient (electrolyte)":
            bruggeman_exponent(design.separator.porosity, design.separator.path_resistance_coefficient),
    }


def _thermal(design: CellDesign) -> dict[str, Any]:
    """Lumped heat balance with the whole cell's heat capacity: the stack volume carries the cell's mass, so
    PyBaMM's per-volume balance m·c_p·dT/dt = Q − h·A·(T − T_amb) holds for the whole cell."""
    stack_m3 = stack_volume_cm3(design) * 1e-6
    mass_kg = sum(mass_breakdown_g(design).values()) / 1000.0
    density = mass_kg / stack_m3
    cp = design.thermal.get("specific_heat_J_kgK", DEFAULT_SPECIFIC_HEAT_J_KGK)
    out = {"Cell volume [m3]": stack_m3, "Cell cooling surface area [m2]": _outline_area_m2(design),
           "Total heat transfer coefficient [W.m-2.K-1]": design.thermal.get("heat_transfer_W_m2K", DEFAULT_HEAT_TRANSFER_W_M2K),
           # used only with the contact-resistance option (a calibration's series resistance)
           "Contact resistance [Ohm]": fn.contact_resistance, "Contact resistance at 25 C [Ohm]": 0.0,
           "Contact resistance activation energy [J.mol-1]": 0.0}
    for part in ("Negative electrode", "Positive electrode", "Separator", "Negative current collector",
                 "Positive current collector"):
        out[f"{part} density [kg.m-3]"] = density
        out[f"{part} specific heat capacity [J.kg-1.K-1]"] = cp
    return out


def _outline_area_m2(design: CellDesign) -> float:
    from cellbench.cells.design import CylindricalPackaging

    p = design.packaging
    if isinstance(p, CylindricalPackaging):
        r = p.diameter_mm / 2000.0
        return 2 * math.pi * r * p.height_mm / 1000.0 + 2 * math.pi * r**2
    thickness_m = outline_volume_cm3(design) * 1e-6 / (p.outline_width_mm * p.outline_length_mm * 1e-6)
    w, l = p.outline_width_mm / 1000.0, p.outline_length_mm / 1000.0
    return 2 * (w * l + w * thickness_m + l * thickness_m)
