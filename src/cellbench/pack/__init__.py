"""From cell to car: pack design, drive cycles, vehicle model, fast charge and pack heat.

>>> from cellbench import pack
>>> spec = pack.design_pack("nextgen-std", energy_kWh=55, voltage_V=400)
>>> round(pack.pack_figures(spec).energy_kWh)
55
>>> result = pack.drive(spec, "wltc3b", grade_pct=5)                # a PyBaMM drive, seconds  # doctest: +SKIP
>>> result.summary()["wh_per_km"]                                   # doctest: +SKIP

- :func:`large_format` a catalogue cell's electrodes as a large laminate cell; :func:`design_pack` series/parallel,
  overheads and swelling → :func:`pack_figures` (Wh/L, Wh/kg, packing efficiency against the GI Fund targets);
- :func:`load_cycle` WLTC class 1/2/3a/3b (UN GTR No. 15), constant speed or a user CSV;
- :class:`Vehicle` road load, drivetrain efficiency (constant or map), regeneration, auxiliaries;
- :func:`drive`, :func:`fast_charge`, :func:`charge_then_drive`; :func:`pack_temperatures` the pack heat network.
"""

from cellbench.pack.design import LargeCell, Overheads, PackFigures, PackSpec, design_pack, pack_figures, series_parallel
from cellbench.pack.drive import DriveResult, drive
from cellbench.pack.drive_cycle import DriveCycle, constant_speed, load_cycle, read_cycle_csv
from cellbench.pack.fast_charge import ChargeResult, CombinedResult, cc_cv_stages, charge_then_drive, fast_charge
from cellbench.pack.heat import CellThermal, Cooling, pack_temperatures, temperature_limit_C
from cellbench.pack.large_cell import large_format
from cellbench.pack.power_profile import PowerShortfall, run_power_profile
from cellbench.pack.vehicle import EfficiencyMap, Vehicle

__all__ = [
    "LargeCell", "Overheads", "PackFigures", "PackSpec", "design_pack", "pack_figures", "series_parallel",
    "DriveResult", "drive", "DriveCycle", "constant_speed", "load_cycle", "read_cycle_csv", "ChargeResult",
    "CombinedResult", "cc_cv_stages", "charge_then_drive", "fast_charge", "CellThermal", "Cooling",
    "pack_temperatures", "temperature_limit_C", "large_format", "PowerShortfall", "run_power_profile",
    "EfficiencyMap", "Vehicle",
]
