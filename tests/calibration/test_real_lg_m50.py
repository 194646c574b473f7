"""The shipped LG M50 calibration against the Warwick rate tests (../shared/data/real/lg_m50_warwick).

The calibration was fitted on the four 25 °C discharges only; the four 45 °C discharges are an independent
check of its temperature extrapolation (O'Regan 2022's activation energies carry it from 25 to 45 °C).
Measured when the calibration was made (docs/calibration.md): 25 °C mean |capacity error| 1.07 %, 45 °C 1.01 % (each test from its rested voltage)
(max 2.4 %, the 25 °C 10 A test). The thresholds below leave about one point of margin for solver tolerances and later material-record
changes, and stay under the issue's 3 % target.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from cellbench.calibration import read_discharge, validate
from cellbench.simulate.calibration import load_calibration
from real_data import real_file

pytestmark = pytest.mark.slow

RATE_25 = ("0.1C", "0.5C", "1C", "2C")
RATE_45 = ("0.1C", "0.5C", "1C", "1.5C")
FIT_THRESHOLD_PCT = 1.5
VALIDATION_THRESHOLD_PCT = 2.0


def _files(temperature: int, rates) -> list:
    return [real_file(f"lg_m50_warwick/LGM50_rate_{temperature}degC_{rate}.csv") for rate in rates]


def test_reader_gives_the_published_capacities():
    # SOURCES.md: 4.9446 / 4.8421 / 4.7825 / 4.8599 Ah at 25 °C
    capacities = [read_discharge(f).capacity_Ah for f in _files(25, RATE_25)]
    assert capacities == pytest.approx([4.9446, 4.8421, 4.7825, 4.8599], abs=2e-4)


def test_shipped_calibration_was_fitted_on_these_25C_files():
    calibration = load_calibration("lg-m50")
    tests = [read_discharge(f) for f in _files(25, RATE_25)]
    assert [d.sha256 for d in calibration.data] == [t.sha256 for t in tests]
    assert calibration.conditions.temperature_C[1] < 26 and calibration.conditions.cell_temperature_C[1] > 55
    report = validate("lg-m50", tests)
    assert report.mean_abs_capacity_error_pct < FIT_THRESHOLD_PCT, report.verdict
    assert not report.warnings  # inside its own conditions


def test_45C_validation_of_the_25C_calibration():
    tests = [read_discharge(f) for f in _files(45, RATE_45)]
    calibrated = validate("lg-m50", tests)
    uncalibrated = validate("lg-m50", tests, calibrated=False)
    assert calibrated.mean_abs_capacity_error_pct < VALIDATION_THRESHOLD_PCT, calibrated.verdict
    assert calibrated.passed and calibrated.verdict.startswith("PASS")
    # the fit improved the voltage curves it was not fitted on
    rmse = lambda r: sum(row.errors["voltage_rmse_mV"] for row in r.rows) / len(r.rows)  # noqa: E731
    assert rmse(calibrated) < 0.7 * rmse(uncalibrated)
    # every 45 °C test is flagged as a temperature extrapolation
    assert len(calibrated.warnings) == 4 and all("outside the calibration's 24.5–24.6 °C" in w
                                                  for w in calibrated.warnings)


def test_validate_cli_json_and_plot(tmp_path):
    plot = tmp_path / "v.html"
    files = [str(f) for f in _files(45, ("1C",))]
    out = subprocess.run([sys.executable, "-c", "from cellbench.cli import main; main()", "validate", "lg-m50", *files, "--plot", str(plot),
                          "--json"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["tests"][0]["file"] == "LGM50_rate_45degC_1C.csv"
    assert abs(report["tests"][0]["capacity_error_pct"]) < VALIDATION_THRESHOLD_PCT
    assert report["tests"][0]["warnings"] and report["verdict"].startswith("PASS")
    assert "plotly" in plot.read_text()[:200000].lower()


def test_shipped_alternatives_agree_where_the_data_were_taken_and_not_at_0C():
    # The file's `spread`: fits as good on the 25 °C data with the three transport activation energies free as well
    # (docs/calibration.md). Measured when it was made: they agree within 1.3 % on the 25 °C files and 1.1 % on the
    # 45 °C ones; run the 25 °C 0.5C test from 0 °C instead and they disagree by tens of per cent.
    from dataclasses import replace

    calibration = load_calibration("lg-m50")
    assert calibration.spread is not None and len(calibration.spread.alternatives) >= 3
    assert all(a.cost_vs_fit <= calibration.spread.cost_ratio for a in calibration.spread.alternatives)
    warm = validate("lg-m50", [read_discharge(f) for f in _files(45, RATE_45)])
    assert max(r.spread_pct for r in warm.rows) < 2.0, warm.verdict
    assert "do not determine" not in warm.verdict
    at_25 = read_discharge(_files(25, ("0.5C",))[0])
    cold = validate("lg-m50", [replace(at_25, start_temperature_C=0.0, temperature_C=None)])
    assert cold.rows[0].spread_pct > 10.0, cold.verdict
    assert "the calibration's data do not determine that prediction" in cold.verdict
