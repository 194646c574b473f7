"""Calibrate the virtual cycler on measured tests, and validate it on tests it was not fitted on.

- :func:`read_discharge` a measured constant-current discharge from any cycler file cellbench reads;
- :func:`calibrate` fit chosen model parameters (:data:`PARAMETERS`) with scipy least squares over PyBaMM
  inputs, so the model is built once; the result is a calibration file (values, 95 % intervals, data hashes,
  residuals, conditions covered);
- :func:`validate` per-test capacity, energy, mean-voltage and voltage-RMSE errors, a plot, a verdict, and
  warnings where a test lies outside the calibration's conditions.
"""

from cellbench.calibration.discharges import MeasuredDischarge, read_discharge
from cellbench.calibration.fit import CalibrationResult, calibrate
from cellbench.calibration.parameters import PARAMETERS, FitParameter
from cellbench.calibration.validate import ValidationReport, plot_html, validate

__all__ = ["PARAMETERS", "CalibrationResult", "FitParameter", "MeasuredDischarge", "ValidationReport", "calibrate",
           "plot_html", "read_discharge", "validate"]
