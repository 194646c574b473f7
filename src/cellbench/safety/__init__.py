"""Safety: IEC 62660-2/-3 test definitions and records, ARC analysis, and a lumped thermal-abuse model.

>>> from cellbench import safety
>>> [d.id for d in safety.load_catalogue().applicable("all_solid_state")][:3]
['crush', 'external_short', 'forced_discharge']
"""

from cellbench.safety.abuse import OvenResult, ThermalCell, critical_oven_temperature_C, simulate_oven
from cellbench.safety.arc import ArcResult, ArcTrace, analyse_arc, read_arc_csv, trace_from_columns
from cellbench.safety.definitions import (
    BUILTIN_DIR, EXAMPLES_DIR, Check, PassCriterion, SafetyCatalogue, SafetyTestDefinition, load_catalogue,
    load_definition,
)
from cellbench.safety.exotherm_fit import FirstOrderExotherm, ScanResult, fit_first_order_exotherm, simulate_scan
from cellbench.safety.heat_wait_search import HeatWaitSearchRun, HeatWaitSearchSettings, simulate_heat_wait_search
from cellbench.safety.reactions import Chemistry, Reaction, list_chemistries, load_chemistry
from cellbench.safety.records import (ARC_QUANTITY, SafetyTestRecord, Verdict, arc_from_traces, judge, judge_against,
                                      load_record)
from cellbench.safety.report import safety_rows, safety_section, safety_section_html, section_from_record_files

__all__ = [
    "SafetyTestDefinition", "SafetyCatalogue", "Check", "PassCriterion", "load_catalogue", "load_definition",
    "BUILTIN_DIR", "EXAMPLES_DIR",
    "SafetyTestRecord", "Verdict", "judge", "judge_against", "load_record", "arc_from_traces", "ARC_QUANTITY",
    "ArcTrace", "ArcResult", "read_arc_csv", "trace_from_columns", "analyse_arc",
    "Chemistry", "Reaction", "load_chemistry", "list_chemistries",
    "ThermalCell", "OvenResult", "simulate_oven", "critical_oven_temperature_C",
    "HeatWaitSearchSettings", "HeatWaitSearchRun", "simulate_heat_wait_search",
    "FirstOrderExotherm", "fit_first_order_exotherm", "ScanResult", "simulate_scan",
    "safety_rows", "safety_section", "safety_section_html", "section_from_record_files",
]
