"""A large-format cell from a catalogue cell's electrode design: the same layers over a larger area and more layers.

The electrode recipe (thicknesses, porosities, materials) is kept; only the electrode area, the number of unit cells
(double-sided collectors by default) and the pouch around them change, so every figure still comes from
:func:`cellbench.cells.figures`.

>>> from cellbench import cells
>>> from cellbench.pack.large_cell import large_format
>>> big = large_format(cells.load("nextgen-std"), capacity_Ah=60, width_mm=100, length_mm=300)
>>> big.stack.unit_cells, round(cells.figures(big).capacity_mAh / 1000)
(33, 59)
"""

from __future__ import annotations

from cellbench import cells
from cellbench.cells import CellDesign, PouchPackaging, Stack
from cellbench.errors import InputError
from cellbench.pack.defaults import defaults


def large_format(design: CellDesign, *, capacity_Ah: float, width_mm: float, length_mm: float,
                 double_sided: bool | None = None, tabs_mass_g: float | None = None) -> CellDesign:
    """`design`'s electrodes scaled to `width_mm` × `length_mm` and to the whole number of unit cells nearest to
    `capacity_Ah`, in a pouch with the default seal margins (pack_defaults.yaml, large_cell)."""
    d = defaults()["large_cell"]
    if capacity_Ah <= 0 or width_mm <= 0 or length_mm <= 0:
        raise InputError("a large-format cell needs a positive capacity, width and length",
                         location="capacity_Ah/width_mm/length_mm")
    double_sided = d["double_sided"] if double_sided is None else double_sided
    areal = cells.figures(design).capacity_mAh / (design.area_cm2 * design.stack.unit_cells)
    area_cm2 = width_mm * length_mm / 100.0
    unit_cells = max(1, round(capacity_Ah * 1000.0 / (areal * area_cm2)))
    film = design.packaging.material if isinstance(design.packaging, PouchPackaging) else "al-laminate-pouch"
    packaging = PouchPackaging(material=film, outline_width_mm=width_mm + 2 * d["edge_margin_mm"],
                               outline_length_mm=length_mm + d["edge_margin_mm"] + d["tab_zone_mm"],
                               tabs_mass_g=d["tabs_mass_g"] if tabs_mass_g is None else tabs_mass_g)
    thermal = dict(design.thermal)
    return design.model_copy(update={
        "id": f"{design.id}-{round(capacity_Ah):d}ah",
        "name": f"{design.name}, large format {width_mm:g}x{length_mm:g} mm, {unit_cells} layers",
        "electrode_width_mm": float(width_mm), "electrode_length_mm": float(length_mm),
        "stack": Stack(unit_cells=unit_cells, double_sided=double_sided),
        "packaging": packaging, "nominal": None, "thermal": thermal,
        "notes": f"Large-format cell from {design.id} v{design.version}: same electrodes, {area_cm2:g} cm2, "
                 f"{unit_cells} unit cells (cellbench.pack.large_format).",
    })
