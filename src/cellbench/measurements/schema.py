"""The canonical time-series schema: Battery Data Format (BDF) column names and sign convention.

Every Measurement, simulated or measured, carries these columns. Current is positive on charge and
negative on discharge (BDF: charging capacity is the integral of max(I, 0)). Capacities and energies are
cumulative from the start of the test and never reset; step capacities are derived, not stored.
See docs/data-formats.md.
"""

from __future__ import annotations

import polars as pl

TIME = "test_time_second"
UNIX_TIME = "unix_time_second"
VOLTAGE = "voltage_volt"
CURRENT = "current_ampere"
CYCLE = "cycle_dimensionless"
STEP = "step_index"
STEP_TYPE = "step_type"
CHARGE_CAPACITY = "charging_capacity_ampere_hour"
DISCHARGE_CAPACITY = "discharging_capacity_ampere_hour"
CHARGE_ENERGY = "charging_energy_watt_hour"
DISCHARGE_ENERGY = "discharging_energy_watt_hour"
POWER = "power_watt"
AMBIENT_TEMPERATURE = "ambient_temperature_celsius"
CELL_TEMPERATURE = "surface_temperature_celsius"
INTERNAL_RESISTANCE = "internal_resistance_ohm"

#: column name -> (polars dtype, BDF human-readable label)
COLUMNS: dict[str, tuple[type[pl.DataType], str]] = {
    TIME: (pl.Float64, "Test Time / s"),
    UNIX_TIME: (pl.Float64, "Unix Time / s"),
    VOLTAGE: (pl.Float64, "Voltage / V"),
    CURRENT: (pl.Float64, "Current / A"),
    CYCLE: (pl.Int64, "Cycle Count / 1"),
    STEP: (pl.Int64, "Step Index / 1"),
    STEP_TYPE: (pl.Utf8, "Step Type / 1"),
    CHARGE_CAPACITY: (pl.Float64, "Charging Capacity / Ah"),
    DISCHARGE_CAPACITY: (pl.Float64, "Discharging Capacity / Ah"),
    CHARGE_ENERGY: (pl.Float64, "Charging Energy / Wh"),
    DISCHARGE_ENERGY: (pl.Float64, "Discharging Energy / Wh"),
    POWER: (pl.Float64, "Power / W"),
    AMBIENT_TEMPERATURE: (pl.Float64, "Ambient Temperature / degC"),
    CELL_TEMPERATURE: (pl.Float64, "Surface Temperature / degC"),
    INTERNAL_RESISTANCE: (pl.Float64, "Internal Resistance / Ohm"),
}

REQUIRED = (TIME, VOLTAGE, CURRENT)

#: human label -> machine name, for reading BDF files written with the human-readable header style
LABEL_TO_NAME = {label: name for name, (_dtype, label) in COLUMNS.items()}
