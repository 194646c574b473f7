"""Why a design's Wh/L differs from the published one: the volumes a Wh/L can be taken on, and the single change of
an unpublished design value that would close the gap. A diagnosis only: nothing here changes a design.

The energy is the design's (capacity × mean open-circuit voltage), so every closer below keeps the capacity and
the N/P; it only asks how much more (or less) volume the published figure counts:

- ``implied_stack_thickness_um``: the stack thickness at which the design's energy gives the published Wh/L;
  the difference from the design, per unit cell, is the *volume gap* (µm of electrode footprint);
- the gap as a thicker solid-electrolyte layer, thicker collector foils, less dense composites (solid fraction
  scaled in both electrodes, so porosity p → 1 − (1 − p)·k; the thicknesses solved for capacity and N/P grow by
  1/k), a cathode that delivers only a share u of its half-cell capacity (its layer grows by 1/u; the anode, solved
  for N/P against the delivered capacity, stays), an anode layer swollen by a factor, or a lower mean voltage.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from cellbench import materials as mat
from cellbench.cells.design import CellDesign, LithiumFoil, PouchPackaging
from cellbench.cells.figures import figures, stack_thickness_um

#: how the reconciliation names the volumes a Wh/L can be taken on, narrowest first
BASES = ("layers", "stack", "stack_and_films", "outline")


@dataclass(frozen=True)
class GapCloser:
    """One design value, what the design has, and what it would need for the published figure (others unchanged)."""

    value: str
    design: float
    needed: float
    unit: str

    def as_dict(self) -> dict[str, float | str]:
        return asdict(self)


@dataclass(frozen=True)
class Reconciliation:
    """A published Wh/L beside the design: the volume bases, the volume gap and the values that would close it."""

    published_wh_per_l: float
    basis: str
    wh_per_l: dict[str, float]
    implied_stack_thickness_um: float
    gap_um_per_unit_cell: float
    closers: list[GapCloser]

    def as_dict(self) -> dict:
        out = asdict(self)
        out["closers"] = [c.as_dict() for c in self.closers]
        return out


def wh_per_l_bases(design: CellDesign) -> dict[str, float]:
    """The design's energy over each volume: the electrode and SE layers alone, the stack with its collector foils,
    the stack with the two pouch films over the electrode footprint (pouch cells), and the packaging outline.

    >>> from cellbench import cells
    >>> {k: round(v) for k, v in wh_per_l_bases(cells.load("std-2.1")).items()}
    {'layers': 572, 'stack': 479, 'stack_and_films': 194, 'outline': 26}
    """
    f = figures(design)
    s = design.stack
    layers_um = s.unit_cells * (design.cathode.thickness_um + design.separator.thickness_um + design.anode.thickness_um)
    out = {"layers": _wh_per_l(f.energy_Wh, design.area_cm2, layers_um), "stack": f.wh_per_l_stack}
    if isinstance(design.packaging, PouchPackaging):
        film = design.material(design.packaging.material, mat.Packaging).thickness_um
        out["stack_and_films"] = _wh_per_l(f.energy_Wh, design.area_cm2, f.stack_thickness_um + 2 * film)
    out["outline"] = f.wh_per_l_outline
    return out


def _wh_per_l(energy_Wh: float, area_cm2: float, thickness_um: float) -> float:
    return energy_Wh / (area_cm2 * thickness_um * 1e-4) * 1000.0


def reconcile(design: CellDesign, published_wh_per_l: float | None = None) -> Reconciliation | None:
    """Reconcile the design with its published Wh/L (or the one given); None when there is none to compare, or
    when the published figure is a rated energy (`nominal.rated_discharge_C`).

    Only the stack basis is reconciled layer by layer (an outline figure counts the packaging, which no layer value
    moves). Closers that assume solved electrode thicknesses are given only when the design's cathode thickness is
    solved for its capacity and its anode thickness for its N/P.

    >>> from cellbench import cells
    >>> r = reconcile(cells.load("std-2.1"))
    >>> round(r.gap_um_per_unit_cell, 1), round(next(c.needed for c in r.closers if c.value == "separator.thickness_um"), 1)
    (30.3, 50.3)
    """
    n = design.nominal
    if published_wh_per_l is None:
        # a rated energy (a measured discharge) is not the design's open-circuit energy: nothing to reconcile here
        if n is None or n.wh_per_l is None or n.rated_discharge_C:
            return None
        published_wh_per_l = n.wh_per_l
    basis = n.wh_per_l_basis if n is not None else "stack"
    f = figures(design)
    implied = f.energy_Wh * 1000.0 / published_wh_per_l / design.area_cm2 * 1e4
    units = design.stack.unit_cells
    gap = (implied - stack_thickness_um(design)) / units
    closers: list[GapCloser] = []
    if basis == "stack":
        closers = _closers(design, gap, published_wh_per_l / f.wh_per_l_stack)
    return Reconciliation(published_wh_per_l, basis, wh_per_l_bases(design), implied, gap, closers)


def _closers(design: CellDesign, gap_um: float, energy_ratio: float) -> list[GapCloser]:
    s = design.stack
    out = [GapCloser("separator.thickness_um", design.separator.thickness_um,
                     design.separator.thickness_um + gap_um, "µm")]
    foils_um = (s.cathode_collector_count * design.cathode_collector.thickness_um
                + s.anode_collector_count * design.anode_collector.thickness_um) / s.unit_cells
    out.append(GapCloser("collector foils per unit cell", foils_um, foils_um + gap_um, "µm"))
    solved = {field: v.figure for field, v in design.solved_for.items()}
    cathode, anode = design.cathode, design.anode
    electrodes_solved = (solved.get("cathode.thickness_um") in ("capacity_mAh", "cathode_areal_capacity_mAh_cm2")
                         and solved.get("anode.thickness_um") == "np_ratio" and not isinstance(anode, LithiumFoil))
    if electrodes_solved:
        electrodes = cathode.thickness_um + anode.thickness_um
        k = electrodes / (electrodes + gap_um)  # solid fraction scale
        out.append(GapCloser("cathode.porosity (the anode's solid fraction scaled alike)", cathode.porosity,
                             1 - (1 - cathode.porosity) * k, ""))
        u = cathode.thickness_um / (cathode.thickness_um + gap_um)
        active = design.active_material("cathode")
        out.append(GapCloser(f"{active.id} delivered capacity", active.specific_capacity_mAh_g,
                             active.specific_capacity_mAh_g * u, "mAh/g"))
    out.append(GapCloser("anode thickness factor (swelling)", 1.0, (anode.thickness_um + gap_um) / anode.thickness_um,
                         "× as built"))
    out.append(GapCloser("mean voltage", figures(design).mean_voltage_V, figures(design).mean_voltage_V * energy_ratio, "V"))
    return out
