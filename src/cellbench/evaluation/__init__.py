"""The new-material evaluation: standard cell vs the cell with the new material, IEC 62660-1 suites, report.

>>> from cellbench import evaluation
>>> ev = evaluation.evaluate("std-2.1", "examples/materials/argyrodite-hc.yaml")  # PyBaMM, minutes  # doctest: +SKIP
>>> evaluation.write(ev, "out/")                                                   # doctest: +SKIP
"""

from cellbench.evaluation.report import results_document, write
from cellbench.evaluation.run import Evaluation, evaluate
from cellbench.evaluation.suite import Suite, evaluation_plans, list_suites, load_suite

__all__ = ["evaluate", "Evaluation", "write", "results_document", "load_suite", "list_suites", "Suite", "evaluation_plans"]
