"""Bill of materials: kg of each material in a cell or a pack, from the same numbers as the cell's mass.

A composite layer's mass splits among its solids by volume fraction × density; liquid electrolyte fills the
pores of liquid cells (electrodes and separator); foils, the separator or solid-electrolyte layer and the
packaging follow ``cells.mass_breakdown_g``, so the bill sums to ``cells.figures(design).mass_g``. Pouch tabs are
the pseudo-material ``cell-tabs`` and a cylindrical can (with its header) ``cylindrical-can``.

A pack is either a ``cellbench pack design`` file (``cellbench.pack``: large-format cell, series × parallel, overheads
as mass fractions, split into materials by ``data/pack_overhead_split.yaml``) or this package's small YAML: a
catalogue cell id × a count plus the pack's own parts in kg (``data/packs/demo-55kwh.yaml``).

>>> from cellbench import cells
>>> bill = bill_of_materials(cells.load("liquid-ref"))
>>> round(sum(bill.values()) * 1000, 1) == round(cells.figures(cells.load("liquid-ref")).mass_g, 1)
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from cellbench import cells
from cellbench.cells import CellDesign, CylindricalPackaging, LithiumFoil, PouchPackaging
from cellbench.documents import load_model, read_yaml
from cellbench.errors import InputError
from cellbench.materials import Packaging
from cellbench.sustainability.data_files import DATA_DIR, packaged

PACKS_DIR = DATA_DIR / "packs"
TABS = "cell-tabs"
CAN = "cylindrical-can"


def _add(bill: dict[str, float], material: str, grams: float) -> None:
    bill[material] = bill.get(material, 0.0) + grams / 1000.0


def bill_of_materials(design: CellDesign) -> dict[str, float]:
    """kg of each material (library id, or ``cell-tabs`` / ``cylindrical-can``) in one cell."""
    n = design.stack.unit_cells
    area = design.area_cm2
    liquid_id = design.liquid_electrolyte
    liquid_density = design.material(liquid_id).density_g_cm3 if liquid_id else 0.0
    bill: dict[str, float] = {}
    for electrode in ("cathode", "anode"):
        layer = design.layer(electrode)
        volume_cm3 = area * layer.thickness_um * 1e-4
        if isinstance(layer, LithiumFoil):
            _add(bill, layer.material, n * volume_cm3 * design.material(layer.material).density_g_cm3)
            continue
        for material, fraction in design.volume_fractions(electrode).items():
            _add(bill, material, n * volume_cm3 * fraction * design.material(material).density_g_cm3)
        if liquid_id:
            _add(bill, liquid_id, n * volume_cm3 * layer.porosity * liquid_density)
    sep = design.separator
    sep_volume_cm3 = area * sep.thickness_um * 1e-4
    _add(bill, sep.material, n * sep_volume_cm3 * (1 - sep.porosity) * design.material(sep.material).density_g_cm3)
    if liquid_id:
        _add(bill, liquid_id, n * sep_volume_cm3 * sep.porosity * liquid_density)
    for collector, count in ((design.cathode_collector, design.stack.cathode_collector_count),
                             (design.anode_collector, design.stack.anode_collector_count)):
        _add(bill, collector.material,
             count * area * collector.thickness_um * 1e-4 * design.material(collector.material).density_g_cm3)
    p = design.packaging
    if isinstance(p, PouchPackaging):
        film = design.material(p.material, Packaging)
        _add(bill, p.material, 2 * p.outline_width_mm * p.outline_length_mm * 1e-6 * film.areal_mass_g_m2)
        if p.tabs_mass_g:
            _add(bill, TABS, p.tabs_mass_g)
    elif isinstance(p, CylindricalPackaging):
        _add(bill, CAN, p.mass_g)
    return bill


class PackSpec(BaseModel):
    """A pack as cells × count plus its own parts (housing, busbars, BMS, cooling), in kg by material id."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: str
    cell: str = Field(description="catalogue cell id")
    cells_in_series: int = Field(ge=1)
    cells_in_parallel: int = Field(ge=1)
    parts_kg: dict[str, float] = Field(default_factory=dict, description="pack parts: material id -> kg")
    sources: list[str] = Field(default_factory=list)
    notes: str = ""

    @property
    def cell_count(self) -> int:
        return self.cells_in_series * self.cells_in_parallel


@dataclass(frozen=True)
class Bill:
    """What a footprint or a recycling run needs: kg per material, rated energy and a label."""

    label: str
    materials_kg: dict[str, float]
    energy_kWh: float
    electrolyte_type: str
    cell_count: int = 1
    cell_materials_kg: dict[str, float] = field(default_factory=dict)

    @property
    def mass_kg(self) -> float:
        return sum(self.materials_kg.values())


def cell_bill(design: CellDesign) -> Bill:
    """The bill of one cell with its rated energy."""
    materials = bill_of_materials(design)
    return Bill(label=f"cell {design.id}", materials_kg=materials, energy_kWh=cells.figures(design).energy_Wh / 1000.0,
                electrolyte_type=design.electrolyte_type, cell_materials_kg=dict(materials))


def load_pack(ref: str | Path) -> PackSpec:
    """A pack file by path, or a packaged pack by id (``demo-55kwh``)."""
    path = Path(ref)
    if not path.exists() and (PACKS_DIR / f"{ref}.yaml").exists():
        path = PACKS_DIR / f"{ref}.yaml"
    if not path.exists():
        raise InputError(f"no pack file '{ref}' (give a pack YAML path, or one of: "
                         f"{', '.join(p.stem for p in sorted(PACKS_DIR.glob('*.yaml')))})")
    return load_model(PackSpec, path)


def _is_pack_design(path: Path) -> bool:
    body = read_yaml(path)
    return isinstance(body, dict) and "series" in body and "parallel" in body


def _resolve_pack(pack):
    """A pack design (``cellbench.pack``) or this package's PackSpec, from an object, a path or a packaged id."""
    from cellbench.pack.design import PackSpec as PackDesign

    if isinstance(pack, (str, Path)) and Path(pack).exists() and _is_pack_design(Path(pack)):
        return PackDesign.load(pack)
    if isinstance(pack, (PackDesign, PackSpec)):
        return pack
    return load_pack(pack)


def pack_layout(pack) -> tuple[CellDesign, int, int]:
    """The pack's cell design and its series and parallel counts."""
    from cellbench.pack.design import PackSpec as PackDesign

    spec = _resolve_pack(pack)
    if isinstance(spec, PackDesign):
        return spec.cell_design(), spec.series, spec.parallel
    return cells.load(spec.cell), spec.cells_in_series, spec.cells_in_parallel


def bill_of_materials_for_pack(pack) -> Bill:
    """kg of each material in a pack: the cell's bill × the cell count, plus the pack's own parts.

    ``pack``: a :class:`PackSpec` (cell id × count + parts), a ``cellbench.pack`` pack design, a path to either,
    or a packaged pack id (``demo-55kwh``). This is the one place that reads a pack.
    """
    from cellbench.pack.design import PackSpec as PackDesign

    spec = _resolve_pack(pack)
    design, series, parallel = pack_layout(spec)
    n = series * parallel
    per_cell = bill_of_materials(design)
    if isinstance(spec, PackDesign):
        o = spec.overheads
        cells_kg = sum(per_cell.values()) * n
        overhead_kg = cells_kg * (1.0 / (o.module_mass_fraction * o.pack_mass_fraction) - 1.0)
        parts = {m: share * overhead_kg for m, share in packaged("pack_overhead_split.yaml")["shares"].items()}
        label = f"pack {spec.name}"
    else:
        parts = dict(spec.parts_kg)
        label = f"pack {spec.id}"
    materials = {m: kg * n for m, kg in per_cell.items()}
    for material, kg in parts.items():
        materials[material] = materials.get(material, 0.0) + kg
    energy_kWh = cells.figures(design).energy_Wh * n / 1000.0
    return Bill(label=label, materials_kg=materials, energy_kWh=energy_kWh,
                electrolyte_type=design.electrolyte_type, cell_count=n,
                cell_materials_kg={m: kg * n for m, kg in per_cell.items()})
