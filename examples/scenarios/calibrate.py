"""Re-fit the free parameters of s2.yaml/s3.yaml to the SOLiD-EV report (how the shipped values were found).

    .venv/bin/python examples/scenarios/calibrate.py            # the shipped fit (plain logit)
    .venv/bin/python examples/scenarios/calibrate.py --nested   # also fit the plug-in nest's λ

Fitted (the report does not publish them): the EV power-type constant of non-EV/PHEV users (the PHEV one is
held at -0.3: only the EV-PHEV difference is identified), the ASSB availability ramp (2025, 2030, 2035, 2040;
S3 differs only at launch), S3's subsidies for ASSB PHEVs and EVs (and with --nested the plug-in nest's λ). Targets: the passenger-car ASSB sales of
table 3.2.4-1 (2025-2040, S2 and S3), the 2040 electrified sales (2.9 / 3.2 M) and stock (29 / 33 M), and — at low
weight — S3's ASSB EVs overtaking PHEVs by 2040. Residuals are relative. Prints the parameters and the residuals
in percent; copy the parameters into the YAML files (rounded) to change the examples.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

import numpy as np
import yaml
from scipy.optimize import least_squares

from cellbench.scenarios.calculator import run_scenario
from cellbench.scenarios.loading import read_scenario_data
from cellbench.scenarios.spec import Scenario

HERE = Path(__file__).resolve().parent
PART_WORTHS = HERE.parents[1] / "src" / "cellbench" / "scenarios" / "data" / "part_worths" / "japan-passenger-2021.yaml"
ASSB_SALES = {"S2": [0.08, 1.00, 1.40, 1.54], "S3": [0.26, 1.68, 2.20, 2.28]}   # M/yr, passenger, table 3.2.4-1
XEV_SALES_2040 = {"S2": 2.9, "S3": 3.2}                                          # M/yr, §3.2.4 (1)
XEV_STOCK_2040 = {"S2": 29.0, "S3": 33.0}                                        # M, §3.2.4 (1)
NAMES = ["asc_ev", "availability_2025", "availability_2030", "availability_2035", "availability_2040",
         "s3_availability_2025", "s3_subsidy_phev_10k_yen", "s3_subsidy_ev_10k_yen", "plug_in_nest_lambda"]


def scenarios(p: np.ndarray) -> dict[str, Scenario]:
    asc_ev, a25, a30, a35, a40, a25_s3, sub_phev, sub_ev = p[:8]
    nest_lambda = p[8] if len(p) > 8 else 1.0
    groups = copy.deepcopy(yaml.safe_load(PART_WORTHS.read_text())["groups"])
    groups[0]["part_worths"]["power_type"].update(ev=float(asc_ev), phev=-0.3)
    built = {}
    for name in ("S2", "S3"):
        data = read_scenario_data(HERE / f"{name.lower()}.yaml")
        adoption = data["segments"]["passenger"]["adoption"]
        adoption["part_worths"] = groups
        adoption["plug_in_nest_lambda"] = float(nest_lambda)
        for alt, subsidy in (("phev_assb", sub_phev), ("ev_assb", sub_ev)):
            first = a25_s3 if name == "S3" else a25
            adoption["alternatives"][alt]["availability"] = {2025: first, 2030: a30, 2035: a35, 2040: a40}
            if name == "S3":
                adoption["alternatives"][alt]["subsidy_10k_yen"] = subsidy
        built[name] = Scenario.model_validate(data)
    return built


def residuals(p: np.ndarray) -> np.ndarray:
    out = []
    for name, scenario in scenarios(p).items():
        rows = {r["year"]: r for r in run_scenario(scenario, by_segment=True) if r["segment"] == "passenger"}
        for year, target in zip((2025, 2030, 2035, 2040), ASSB_SALES[name]):
            out.append(rows[year]["assb_vehicle_sales"] / 1e6 / target - 1)
        out.append(rows[2040]["xev_sales"] / 1e6 / XEV_SALES_2040[name] - 1)
        out.append(0.5 * (rows[2040]["xev_stock"] / 1e6 / XEV_STOCK_2040[name] - 1))
        if name == "S3":
            out.append(0.3 * (rows[2040]["assb_ev_sales"] / rows[2040]["assb_phev_sales"] - 1.15))
    return np.array(out)


if __name__ == "__main__":
    nested = "--nested" in sys.argv[1:]
    start = [-1.0, 0.05, 0.3, 0.5, 0.6, 0.1, 40.0, 70.0] + ([0.7] if nested else [])
    low = [-3, 0.001, 0.01, 0.05, 0.05, 0.001, 0, 0] + ([0.2] if nested else [])
    high = [0, 1, 1, 1, 1, 1, 200, 200] + ([1] if nested else [])
    fit = least_squares(residuals, np.array(start), diff_step=1e-3, bounds=(low, high))
    for name, value in zip(NAMES, fit.x):
        print(f"{name:26s} {value:9.4f}")
    print("residuals, %:", np.round(residuals(fit.x) * 100, 1))
