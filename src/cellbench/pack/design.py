"""Pack design: a large-format cell, series and parallel counts for a target energy and voltage, module and pack
overheads and a swelling allowance → pack energy, Wh/L, Wh/kg and packing efficiency against the GI Fund targets.

A pack is a document (:class:`PackSpec`, YAML) that names its cell by catalogue id plus the large-format scaling,
so a saved pack rebuilds the same cell; :func:`pack_figures` derives the numbers from it.

>>> from cellbench.pack import design_pack
>>> pack = design_pack("nextgen-std", energy_kWh=55, voltage_V=400)
>>> pack.series, pack.parallel
(114, 2)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

from cellbench import cells
from cellbench.cells import CellDesign
from cellbench.documents import parse_model, read_yaml
from cellbench.errors import InputError
from cellbench.pack.defaults import defaults
from cellbench.pack.large_cell import large_format


class LargeCell(BaseModel):
    """Which catalogue cell's electrodes, scaled to what capacity and electrode format."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    base: str = Field(description="catalogue cell id, or a cell YAML path")
    capacity_Ah: float = Field(60.0, gt=0)
    width_mm: float = Field(100.0, gt=0)
    length_mm: float = Field(300.0, gt=0)
    double_sided: bool = True


class Overheads(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    module_volume_fraction: float = Field(gt=0, le=1)
    module_mass_fraction: float = Field(gt=0, le=1)
    pack_volume_fraction: float = Field(gt=0, le=1)
    pack_mass_fraction: float = Field(gt=0, le=1)
    swelling_allowance_pct: float = Field(ge=0, lt=50)

    @classmethod
    def default(cls) -> "Overheads":
        d = defaults()
        o = d["overheads"]
        return cls(**{k: o[k] for k in ("module_volume_fraction", "module_mass_fraction", "pack_volume_fraction",
                                        "pack_mass_fraction")},
                   swelling_allowance_pct=d["swelling"]["thickness_allowance_pct"])


class PackSpec(BaseModel):
    """A pack as a document: its cell, its series/parallel counts and its overheads."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = "pack"
    cell: LargeCell
    series: int = Field(ge=1)
    parallel: int = Field(ge=1)
    overheads: Overheads = Field(default_factory=Overheads.default)
    target_energy_kWh: float | None = None
    target_voltage_V: float | None = None

    def cell_design(self) -> CellDesign:
        return _large_cell(self.cell)

    @property
    def cell_count(self) -> int:
        return self.series * self.parallel

    def save(self, path: str | Path) -> Path:
        """Write the pack as YAML (the spec plus its derived figures, for the reader; figures are recomputed on load)."""
        path = Path(path)
        body = self.model_dump(mode="json")
        body["figures"] = {k: round(v, 4) if isinstance(v, float) else v for k, v in pack_figures(self).as_dict().items()}
        path.write_text("# cellbench pack design (cellbench pack design); 'figures' is derived, not read back\n"
                        + yaml.safe_dump(body, sort_keys=False))
        return path

    @classmethod
    def load(cls, path: str | Path) -> "PackSpec":
        body = read_yaml(path)
        if isinstance(body, dict):
            body.pop("figures", None)
        return parse_model(cls, body, source=str(path))


@dataclass(frozen=True)
class PackFigures:
    cell_id: str
    cell_capacity_Ah: float
    cell_energy_Wh: float
    cell_mass_g: float
    cell_wh_per_l: float
    cell_wh_per_kg: float
    series: int
    parallel: int
    cell_count: int
    nominal_voltage_V: float
    voltage_min_V: float
    voltage_max_V: float
    capacity_Ah: float
    energy_kWh: float
    cells_volume_L: float
    module_volume_L: float
    volume_L: float
    mass_kg: float
    wh_per_l: float
    wh_per_kg: float
    packing_efficiency: float
    target_wh_per_l: list
    meets_wh_per_l_target: bool
    target_packing_efficiency: float
    meets_packing_efficiency_target: bool

    def as_dict(self) -> dict:
        return asdict(self)


def pack_figures(spec: PackSpec) -> PackFigures:
    """Energy, volume, mass, Wh/L, Wh/kg and packing efficiency (pack Wh/L ÷ cell Wh/L on the cell's outline).

    Volume: cells' outline volume × (1 + swelling allowance) ÷ module share ÷ pack share; mass: cells ÷ the two mass
    shares. Pure arithmetic on :func:`cellbench.cells.figures` of the large cell.
    """
    design = spec.cell_design()
    f = cells.figures(design)
    o = spec.overheads
    n = spec.cell_count
    energy_kWh = f.energy_Wh * n / 1000.0
    cells_L = f.outline_volume_cm3 * n / 1000.0
    module_L = cells_L * (1 + o.swelling_allowance_pct / 100.0) / o.module_volume_fraction
    volume_L = module_L / o.pack_volume_fraction
    mass_kg = f.mass_g * n / 1000.0 / o.module_mass_fraction / o.pack_mass_fraction
    wh_per_l = energy_kWh * 1000.0 / volume_L
    t = defaults()["targets"]
    return PackFigures(
        cell_id=design.id, cell_capacity_Ah=f.capacity_mAh / 1000.0, cell_energy_Wh=f.energy_Wh, cell_mass_g=f.mass_g,
        cell_wh_per_l=f.wh_per_l_outline, cell_wh_per_kg=f.wh_per_kg, series=spec.series, parallel=spec.parallel,
        cell_count=n, nominal_voltage_V=f.mean_voltage_V * spec.series,
        voltage_min_V=design.voltage_min_V * spec.series, voltage_max_V=design.voltage_max_V * spec.series,
        capacity_Ah=f.capacity_mAh / 1000.0 * spec.parallel, energy_kWh=energy_kWh, cells_volume_L=cells_L,
        module_volume_L=module_L, volume_L=volume_L, mass_kg=mass_kg, wh_per_l=wh_per_l,
        wh_per_kg=energy_kWh * 1000.0 / mass_kg, packing_efficiency=wh_per_l / f.wh_per_l_outline,
        target_wh_per_l=list(t["pack_wh_per_l"]), meets_wh_per_l_target=wh_per_l >= t["pack_wh_per_l"][0],
        target_packing_efficiency=t["packing_efficiency"],
        meets_packing_efficiency_target=wh_per_l / f.wh_per_l_outline >= t["packing_efficiency"],
    )


def series_parallel(cell_voltage_V: float, cell_energy_Wh: float, *, energy_kWh: float, voltage_V: float,
                    tolerance_pct: float | None = None) -> tuple[int, int]:
    """Whole cells in series for `voltage_V` (nearest count) and in parallel for at least `energy_kWh`.

    Raises InputError when no whole number of cells in series lands within `tolerance_pct` of the voltage.

    >>> series_parallel(3.5, 207.9, energy_kWh=55, voltage_V=400)
    (114, 3)
    """
    tolerance_pct = defaults()["voltage_tolerance_pct"] if tolerance_pct is None else tolerance_pct
    if voltage_V <= 0 or energy_kWh <= 0:
        raise InputError("the pack needs a positive energy and voltage", location="energy_kWh/voltage_V")
    series = round(voltage_V / cell_voltage_V)
    reached = series * cell_voltage_V
    if series < 1 or abs(reached - voltage_V) / voltage_V * 100.0 > tolerance_pct:
        options = sorted({max(1, math.floor(voltage_V / cell_voltage_V)), math.ceil(voltage_V / cell_voltage_V)})
        nearest = ", ".join(f"{n * cell_voltage_V:.4g} V ({n} in series)" for n in options)
        raise InputError(f"a pack voltage of {voltage_V:g} V cannot be reached with whole cells of {cell_voltage_V:.3f} V "
                         f"within {tolerance_pct:g}%: the nearest are {nearest}", location="voltage_V")
    parallel = max(1, math.ceil(energy_kWh * 1000.0 / (series * cell_energy_Wh) - 1e-9))
    return series, parallel


def design_pack(cell: str | LargeCell = "nextgen-std", *, energy_kWh: float = 55.0, voltage_V: float = 400.0,
                parallel: int | None = None, capacity_Ah: float | None = None, width_mm: float | None = None,
                length_mm: float | None = None, overheads: Overheads | None = None, name: str | None = None) -> PackSpec:
    """A pack of large-format cells from `cell` (catalogue id or LargeCell) for a target energy and voltage.

    Without `capacity_Ah`, the large cell's capacity is chosen so that `parallel` (default 2) strings of whole
    cells reach `energy_kWh`; with it, the parallel count is the smallest that reaches the energy.
    """
    if isinstance(cell, str):
        given = {k: v for k, v in (("capacity_Ah", capacity_Ah), ("width_mm", width_mm), ("length_mm", length_mm))
                 if v is not None}
        if capacity_Ah is None:
            template = _large_cell(LargeCell(base=cell, **given))
            f = cells.figures(template)
            series, _ = series_parallel(f.mean_voltage_V, f.energy_Wh, energy_kWh=energy_kWh, voltage_V=voltage_V)
            parallel = parallel or defaults()["large_cell"]["parallel"]
            given["capacity_Ah"] = round(energy_kWh * 1000.0 / (series * parallel * f.mean_voltage_V), 1)
        cell = LargeCell(base=cell, **given)
    design = _large_cell(cell)
    f = cells.figures(design)
    series, needed = series_parallel(f.mean_voltage_V, f.energy_Wh, energy_kWh=energy_kWh, voltage_V=voltage_V)
    return PackSpec(name=name or f"{cell.base} {energy_kWh:g} kWh {voltage_V:g} V", cell=cell, series=series,
                    parallel=parallel or needed, overheads=overheads or Overheads.default(),
                    target_energy_kWh=energy_kWh, target_voltage_V=voltage_V)


def _large_cell(spec: LargeCell) -> CellDesign:
    base = cells.load_file(spec.base) if spec.base.endswith((".yaml", ".yml")) else cells.load(spec.base)
    return large_format(base, capacity_Ah=spec.capacity_Ah, width_mm=spec.width_mm, length_mm=spec.length_mm,
                        double_sided=spec.double_sided)
