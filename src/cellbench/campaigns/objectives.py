"""What a campaign can measure on a design: the metrics its objectives and constraints name.

A metric is either a design figure (pure function of the document, no simulation) or a figure of the
fast-charge run (one simulation of the campaign's protocol per trial). The registry is open: a module may add
a metric with :func:`register_metric`; the carbon footprint per kWh registers itself when
:mod:`cellbench.sustainability` can compute it.

>>> METRICS["wh_per_l_stack"].needs_simulation, METRICS["fast_charge_soc_10min_pct"].needs_simulation
(False, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from cellbench.cells import CellDesign, figures


@dataclass(frozen=True)
class Metric:
    """One measurable figure: its unit, whether it needs the simulation, and how to compute it.

    `compute(design, design_figures, measurement)`: measurement is None for design metrics.
    """

    name: str
    unit: str
    needs_simulation: bool
    compute: Callable
    what: str


METRICS: dict[str, Metric] = {}


def register_metric(metric: Metric) -> None:
    METRICS[metric.name] = metric


def _figure(name: str, unit: str, what: str) -> Metric:
    return Metric(name, unit, False, lambda d, f, m: float(getattr(f, name)), what)


for _name, _unit, _what in [
    ("wh_per_l_stack", "Wh/L", "energy density on the stack basis"),
    ("wh_per_l_outline", "Wh/L", "energy density on the packaging outline"),
    ("wh_per_kg", "Wh/kg", "specific energy of the whole cell"),
    ("np_ratio", "-", "anode/cathode areal capacity ratio"),
    ("capacity_mAh", "mAh", "design capacity"),
    ("cathode_areal_capacity_mAh_cm2", "mAh/cm2", "cathode loading"),
    ("stack_thickness_um", "um", "thickness of the electrode stack"),
]:
    register_metric(_figure(_name, _unit, _what))

# Layer thicknesses as metrics: a thickness that follows from another parameter (np_ratio sizes the anode) can
# then be held inside its literature range by a constraint.
for _layer in ("cathode", "anode", "separator"):
    register_metric(Metric(f"{_layer}_thickness_um", "um", False,
                           lambda d, f, m, _layer=_layer: float(getattr(d, _layer).thickness_um),
                           f"{_layer} layer thickness of the variant"))


def _capacity_Ah(design_figures) -> float:
    return design_figures.capacity_mAh / 1000.0


def _charge_time(d, f, m) -> float:
    from cellbench.analysis.metrics import charge_time_to

    return charge_time_to(m, capacity_Ah=_capacity_Ah(f), fraction=0.8).value


def _soc_in_10_min(d, f, m) -> float:
    from cellbench.analysis.metrics import charged_fraction

    return charged_fraction(m, capacity_Ah=_capacity_Ah(f), within_s=600.0).value


def _temperature_rise(d, f, m) -> float:
    from cellbench.analysis.metrics import max_temperature_rise

    return max_temperature_rise(m).value


register_metric(Metric("fast_charge_time_to_80_s", "s", True, _charge_time,
                       "seconds from the start of the charge to 80% of the design capacity (infinite if never)"))
register_metric(Metric("fast_charge_soc_10min_pct", "%", True, _soc_in_10_min,
                       "state of charge reached 10 minutes into the charge, % of the design capacity"))
register_metric(Metric("fast_charge_max_temperature_rise_K", "K", True, _temperature_rise,
                       "highest cell temperature rise during the run"))


def _carbon_footprint_per_kwh(d, f, m) -> float:
    from cellbench.sustainability import cell_bill
    from cellbench.sustainability.footprint import carbon_footprint

    return carbon_footprint(cell_bill(d), samples=0).total_kg_co2e_per_kwh


def _sustainability_available() -> bool:
    try:
        from cellbench.sustainability import cell_bill  # noqa: F401
        from cellbench.sustainability.footprint import carbon_footprint  # noqa: F401
    except ImportError:
        return False
    return True


if _sustainability_available():
    register_metric(Metric("cfp_kg_co2e_per_kwh", "kg CO2e/kWh", False, _carbon_footprint_per_kwh,
                           "cradle-to-gate carbon footprint per kWh (cellbench.sustainability, central factors)"))


def evaluate_metrics(names: list[str], design: CellDesign, measurement=None) -> dict[str, float]:
    """The named metrics of one design (and its fast-charge run, when any of them needs it)."""
    design_figures = figures(design)
    return {name: METRICS[name].compute(design, design_figures, measurement) for name in names}
