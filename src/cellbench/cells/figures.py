"""Derived figures of a CellDesign, as pure functions: capacity, N/P, mass, volume, energy density.

Conventions (docs/cells.md):
- areal capacity of a layer = thickness × active volume fraction × active density × specific capacity;
- design capacity = the limiting electrode's areal capacity × electrode area × unit cells;
- electrode balance (:func:`window_fractions`): the limiting electrode spans its whole window; the cathode's charged
  end and the anode's discharged end are where the voltage limits put them, so a cathode with spare capacity keeps it
  at its discharged end and an anode with spare capacity keeps it at its charged end (unfilled, against plating).
  The full-cell OCV(SOC) = U_cathode − U_anode and the mean voltage is its average over SOC;
- stack volume = electrode area × (unit cells × (cathode + separator + anode) + collector foils);
- outline volume = the packaging's outer box (pouch) or cylinder (can);
- mass = every solid layer, pore liquid (liquid cells only; ASSB voids are empty), foils and packaging;
- charged-state thickness (:func:`charged_thickness_um`): each active material's volume follows its lithium content
  as V(x) ∝ 1 + ΔV·x (ΔV = `volume_change_pct` over x = 0..1); the layer takes the change in thickness (no pore
  takes it up, as in a stack held at its footprint), so a silicon anode's swelling shows in the charged-state Wh/L.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np

from cellbench import materials as mat
from cellbench.cells.parts import CylindricalPackaging, LithiumFoil, PouchPackaging

if TYPE_CHECKING:  # a design's methods call these functions: the design module imports this one, not the reverse
    from cellbench.cells.design import CellDesign

SOC_POINTS = 201
Electrode = Literal["cathode", "anode"]


def areal_capacity_mAh_cm2(design: CellDesign, electrode: Electrode) -> float:
    layer = design.layer(electrode)
    active = design.active_material(electrode)
    if isinstance(layer, LithiumFoil):
        return layer.thickness_um * 1e-4 * active.density_g_cm3 * active.specific_capacity_mAh_g
    fraction = design.volume_fractions(electrode)[active.id]
    return layer.thickness_um * 1e-4 * fraction * active.density_g_cm3 * active.specific_capacity_mAh_g


def np_ratio(design: CellDesign) -> float:
    return areal_capacity_mAh_cm2(design, "anode") / areal_capacity_mAh_cm2(design, "cathode")


def capacity_mAh(design: CellDesign) -> float:
    areal = min(areal_capacity_mAh_cm2(design, "cathode"), areal_capacity_mAh_cm2(design, "anode"))
    return areal * design.area_cm2 * design.stack.unit_cells


def window_fractions(design: CellDesign) -> dict[str, tuple[float, float]]:
    """Where each electrode sits in its own window (0 = its 0-SOC end, 1 = its 100-SOC end) at cell 0% and 100% SOC.

    >>> # cathode-limited (N/P 1.25): cathode 0 -> 1, anode 0 -> 0.8; anode-limited (N/P 0.8): cathode 0.2 -> 1
    """
    q_c = areal_capacity_mAh_cm2(design, "cathode")
    q_a = areal_capacity_mAh_cm2(design, "anode")
    q = min(q_c, q_a)
    cathode_start = 1.0 - q / q_c  # 0 when the cathode limits
    return {"cathode": (cathode_start, 1.0), "anode": (0.0, q / q_a)}


def stoichiometry_window(design: CellDesign) -> dict[str, tuple[float, float]]:
    """Lithium stoichiometry of each intercalation electrode at cell 0% and 100% SOC (lithium metal is left out)."""
    out = {}
    for electrode, (f0, f100) in window_fractions(design).items():
        active = design.active_material(electrode)
        if active.kind == "lithium_metal":
            continue
        s0, s100 = active.stoichiometry_at_0_soc, active.stoichiometry_at_100_soc
        out[electrode] = (s0 + f0 * (s100 - s0), s0 + f100 * (s100 - s0))
    return out


def ocv_curve(design: CellDesign, points: int = SOC_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Full-cell open-circuit voltage against SOC (0..1) from the two electrodes' OCP tables."""
    soc = np.linspace(0.0, 1.0, points)
    w = window_fractions(design)
    u_c = design.active_material("cathode").potential_at_fraction(w["cathode"][0] + soc * (w["cathode"][1] - w["cathode"][0]))
    u_a = design.active_material("anode").potential_at_fraction(w["anode"][0] + soc * (w["anode"][1] - w["anode"][0]))
    return soc, u_c - u_a


def mean_voltage_V(design: CellDesign) -> float:
    soc, ocv = ocv_curve(design)
    return float(np.trapezoid(ocv, soc) / (soc[-1] - soc[0]))


def thickness_for_areal_capacity_um(design: CellDesign, electrode: Electrode, areal_mAh_cm2: float) -> float:
    """The layer thickness that gives `areal_mAh_cm2` with the layer's composition and porosity (how a catalogue
    cell's electrode thickness is solved from a published capacity or a chosen N/P).

    >>> # 2 mAh/cm2 of NCM811 (200 mAh/g, 4.75 g/cm3) at an active volume fraction 0.5: 2 / (1e-4 x 0.5 x 950) = 42.1 um
    """
    layer = design.layer(electrode)
    active = design.active_material(electrode)
    fraction = 1.0 if isinstance(layer, LithiumFoil) else design.volume_fractions(electrode)[active.id]
    return areal_mAh_cm2 / (1e-4 * fraction * active.density_g_cm3 * active.specific_capacity_mAh_g)


def charged_thickness_um(design: CellDesign, electrode: Electrode) -> float:
    """Thickness of an electrode at 100 % SOC, from the as-built (0 % SOC) thickness and the active material's
    volume change over the lithium it takes up or gives back (see the module's conventions)."""
    layer = design.layer(electrode)
    active = design.active_material(electrode)
    if isinstance(layer, LithiumFoil) or active.kind == "lithium_metal" or not active.volume_change_pct:
        return layer.thickness_um
    dv = active.volume_change_pct / 100.0
    x0, x100 = stoichiometry_window(design)[electrode]
    growth = (1 + dv * x100) / (1 + dv * x0) - 1  # relative volume change of the active phase, 0 -> 100 % SOC
    return layer.thickness_um * (1 + design.volume_fractions(electrode)[active.id] * growth)


def stack_thickness_um(design: CellDesign, *, charged: bool = False) -> float:
    """Electrode-stack thickness as built (0 % SOC), or at 100 % SOC with `charged=True`."""
    s = design.stack
    if charged:
        electrodes = charged_thickness_um(design, "cathode") + charged_thickness_um(design, "anode")
    else:
        electrodes = design.cathode.thickness_um + design.anode.thickness_um
    per_unit = electrodes + design.separator.thickness_um
    return (s.unit_cells * per_unit + s.cathode_collector_count * design.cathode_collector.thickness_um
            + s.anode_collector_count * design.anode_collector.thickness_um)


def stack_volume_cm3(design: CellDesign) -> float:
    return design.area_cm2 * stack_thickness_um(design) * 1e-4


def outline_volume_cm3(design: CellDesign) -> float:
    p = design.packaging
    if isinstance(p, CylindricalPackaging):
        return math.pi * (p.diameter_mm / 20.0) ** 2 * p.height_mm / 10.0
    film = design.material(p.material, mat.Packaging).thickness_um
    thickness_mm = p.outline_thickness_mm or (stack_thickness_um(design) + 2 * film) / 1000.0
    return p.outline_width_mm * p.outline_length_mm * thickness_mm / 1000.0


def _layer_mass_g(design: CellDesign, electrode: Electrode, liquid_density: float) -> float:
    layer = design.layer(electrode)
    volume = design.area_cm2 * layer.thickness_um * 1e-4
    if isinstance(layer, LithiumFoil):
        return volume * design.material(layer.material).density_g_cm3
    solids = sum(f * design.material(m).density_g_cm3 for m, f in design.volume_fractions(electrode).items())
    return volume * (solids + layer.porosity * liquid_density)


def mass_breakdown_g(design: CellDesign) -> dict[str, float]:
    """Mass of each part of the cell in grams."""
    n = design.stack.unit_cells
    liquid = design.material(design.liquid_electrolyte).density_g_cm3 if design.liquid_electrolyte else 0.0
    sep = design.separator
    sep_volume = design.area_cm2 * sep.thickness_um * 1e-4
    sep_mass = sep_volume * ((1 - sep.porosity) * design.material(sep.material).density_g_cm3 + sep.porosity * liquid)
    s = design.stack
    cc_c = s.cathode_collector_count * design.area_cm2 * design.cathode_collector.thickness_um * 1e-4 \
        * design.material(design.cathode_collector.material).density_g_cm3
    cc_a = s.anode_collector_count * design.area_cm2 * design.anode_collector.thickness_um * 1e-4 \
        * design.material(design.anode_collector.material).density_g_cm3
    p = design.packaging
    if isinstance(p, PouchPackaging):
        film = design.material(p.material, mat.Packaging)
        packaging = 2 * p.outline_width_mm * p.outline_length_mm * 1e-6 * film.areal_mass_g_m2 + p.tabs_mass_g
    else:
        packaging = p.mass_g
    return {
        "cathode": n * _layer_mass_g(design, "cathode", liquid),
        "separator": n * sep_mass,
        "anode": n * _layer_mass_g(design, "anode", liquid),
        "cathode_collector": cc_c,
        "anode_collector": cc_a,
        "packaging": packaging,
    }


@dataclass(frozen=True)
class DesignFigures:
    capacity_mAh: float
    cathode_areal_capacity_mAh_cm2: float
    anode_areal_capacity_mAh_cm2: float
    np_ratio: float
    mean_voltage_V: float
    energy_Wh: float
    stack_thickness_um: float
    stack_volume_cm3: float
    outline_volume_cm3: float
    mass_g: float
    wh_per_l_stack: float
    wh_per_l_outline: float
    wh_per_kg: float
    stack_thickness_charged_um: float
    wh_per_l_stack_charged: float

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


def figures(design: CellDesign) -> DesignFigures:
    """All derived figures of a design.

    >>> from cellbench import cells
    >>> round(figures(cells.load("std-2.1")).capacity_mAh, 1)
    8.0
    """
    cap = capacity_mAh(design)
    v = mean_voltage_V(design)
    energy = cap / 1000.0 * v
    mass = sum(mass_breakdown_g(design).values())
    sv, ov = stack_volume_cm3(design), outline_volume_cm3(design)
    return DesignFigures(
        capacity_mAh=cap,
        cathode_areal_capacity_mAh_cm2=areal_capacity_mAh_cm2(design, "cathode"),
        anode_areal_capacity_mAh_cm2=areal_capacity_mAh_cm2(design, "anode"),
        np_ratio=np_ratio(design),
        mean_voltage_V=v,
        energy_Wh=energy,
        stack_thickness_um=stack_thickness_um(design),
        stack_volume_cm3=sv,
        outline_volume_cm3=ov,
        mass_g=mass,
        wh_per_l_stack=energy / sv * 1000.0,
        wh_per_l_outline=energy / ov * 1000.0,
        wh_per_kg=energy / mass * 1000.0,
        stack_thickness_charged_um=stack_thickness_um(design, charged=True),
        wh_per_l_stack_charged=energy / (design.area_cm2 * stack_thickness_um(design, charged=True) * 1e-4) * 1000.0,
    )
