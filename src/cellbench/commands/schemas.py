"""JSON Schemas of `--json` output that are written from code: from the typed models where the output is one
(`.model_json_schema()`), composed by hand around them where the output adds keys, and by hand where no model
exists. `scripts/write_schemas.py` writes them into docs/; tests/cli/test_json_schemas.py checks that the files
are what this module says and that real output matches them. (The older docs/cli-*.schema.json files not named
here are written by hand in JSON.)

Imported only by the script and the tests: the models it reads load pydantic, SQLAlchemy and the domain packages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"

NUMBER: dict[str, Any] = {"type": "number"}
INTEGER: dict[str, Any] = {"type": "integer"}
STRING: dict[str, Any] = {"type": "string"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
NULL: dict[str, Any] = {"type": "null"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema or null (a figure that could not be computed, an optional file)."""
    return {"anyOf": [schema, NULL]}


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


def mapping(values: dict[str, Any]) -> dict[str, Any]:
    """An object whose keys are data (element symbols, parameter names, electrodes) and whose values share a shape."""
    return {"type": "object", "additionalProperties": values}


def record(properties: dict[str, Any], *, optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """An object with these keys, each required unless named in ``optional``."""
    return {"type": "object", "properties": properties,
            "required": [k for k in properties if k not in optional]}


RANGE = {"type": "array", "items": NUMBER, "minItems": 2, "maxItems": 2}
NULLABLE_NUMBER = nullable(NUMBER)


class Definitions:
    """The `$defs` of one schema document: each model's schema once, referred to by name."""

    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def model(self, cls, **extra: dict[str, Any]) -> dict[str, Any]:
        """A reference to ``cls``'s serialised shape (with ``extra`` keys added to it, as the command adds them)."""
        body = cls.model_json_schema(mode="serialization", ref_template="#/$defs/{model}")
        self.defs.update(body.pop("$defs", {}))
        if not extra:
            self.defs[cls.__name__] = body
            return {"$ref": f"#/$defs/{cls.__name__}"}
        body = dict(body)
        body["properties"] = {**body["properties"], **extra}
        body["required"] = [*body.get("required", []), *extra]
        body.pop("additionalProperties", None)
        return body


def _document(title: str, description: str, body: dict[str, Any], defs: Definitions | None = None) -> dict[str, Any]:
    document = {"$schema": DRAFT, **body, "title": title, "description": description}
    if defs is not None and defs.defs:
        document["$defs"] = dict(sorted(defs.defs.items()))
    return document


# --- the store: ingest, watch, tests ------------------------------------------------------------------------------

def _ingest() -> dict[str, Any]:
    from cellbench.store import IngestResult

    d = Definitions()
    return _document("cellbench ingest PATH... --json",
                     "One result per file: stored (with the test id), already stored, or failed (with the error and "
                     "the failure record's id); the command exits 1 when any failed (cellbench.store).",
                     record({"results": array(d.model(IngestResult))}), d)


def _watch() -> dict[str, Any]:
    from cellbench.store import IngestResult

    d = Definitions()
    body = d.model(IngestResult)
    return _document("cellbench watch FOLDER --json",
                     "One JSON document per line, one line per file handled as it is handled (JSON Lines): the same "
                     "shape as each of `ingest --json`'s results.", body, d)


def _test_record_list() -> dict[str, Any]:
    from cellbench.store.store import TestRecord

    d = Definitions()
    return _document("cellbench tests list --json", "The stored tests with their metadata and outcome flag.",
                     record({"tests": array(d.model(TestRecord))}), d)


def _test_record_show() -> dict[str, Any]:
    from cellbench.store.store import TestRecord

    d = Definitions()
    return _document("cellbench tests show TEST --json",
                     "One stored test's record and the path of its content-addressed Parquet blob.",
                     d.model(TestRecord, blob=STRING), d)


def _test_record_flag() -> dict[str, Any]:
    from cellbench.store.store import TestRecord

    d = Definitions()
    return _document("cellbench tests flag TEST --json", "The test's record after the flag was set or cleared.",
                     d.model(TestRecord), d)


def _failures() -> dict[str, Any]:
    from cellbench.store.store import IngestFailureRecord

    d = Definitions()
    return _document("cellbench tests failures --json", "Files that could not be ingested, with the error and how "
                     "often they were tried.", record({"failures": array(d.model(IngestFailureRecord))}), d)


# --- safety -------------------------------------------------------------------------------------------------------

def _safety_tests() -> dict[str, Any]:
    from cellbench.safety.definitions import SafetyTestDefinition

    d = Definitions()
    return _document("cellbench safety tests --json", "The safety test definitions (newest version of each, or those "
                     "that apply to --cell): conditions, pass criteria, applicability and source (cellbench.safety).",
                     array(d.model(SafetyTestDefinition)), d)


def _safety_show() -> dict[str, Any]:
    from cellbench.safety.definitions import SafetyTestDefinition

    d = Definitions()
    return _document("cellbench safety show TEST --json",
                     "One safety test definition in full, with the file it was read from.",
                     d.model(SafetyTestDefinition, file=STRING), d)


def _safety_judge() -> dict[str, Any]:
    from cellbench.safety.records import Verdict

    d = Definitions()
    return _document("cellbench safety judge RECORD... --json",
                     "One verdict per record (pass, fail or incomplete, with the criteria and reasons) and the record "
                     "file; the command exits 1 unless every record passes.", array(d.model(Verdict, record=STRING)), d)


def _safety_store() -> dict[str, Any]:
    return _document("cellbench safety store RECORD... --json",
                     "The stored safety records, one per file: its id, verdict, and whether it was new (created) or "
                     "already stored.",
                     array(record({"record": STRING, "id": INTEGER, "test": STRING, "test_version": INTEGER,
                                   "sample": STRING, "status": {"enum": ["pass", "fail", "incomplete"]},
                                   "created": BOOLEAN, "access_tier": STRING})))


def _safety_records() -> dict[str, Any]:
    return _document("cellbench safety records --json", "The safety records kept in the store, newest first.",
                     array(record({"id": INTEGER, "test": STRING, "test_version": INTEGER, "sample": STRING,
                                   "status": {"enum": ["pass", "fail", "incomplete"]}, "organisation": STRING,
                                   "access_tier": STRING, "has_arc": BOOLEAN,
                                   "created_at": {"type": "string", "format": "date-time"}})))


def _arc() -> dict[str, Any]:
    figure = NULLABLE_NUMBER
    return _document("cellbench arc FILE... --json",
                     "Per ARC run: self-heating onset (0.02 °C/min), runaway onset (1 °C/min), maximum temperature and "
                     "self-heating rate, in °C and °C/min; null where the run never reached it (cellbench.safety).",
                     array(record({"file": STRING, "self_heating_onset_C": figure, "runaway_onset_C": figure,
                                   "max_temperature_C": figure, "max_self_heating_rate_C_per_min": figure,
                                   "self_heating_detected_C": figure, "exotherm_segments": INTEGER,
                                   "modes_from": STRING, "max_pressure": NUMBER, "pressure_unit": nullable(STRING)},
                                  optional=("max_pressure", "pressure_unit"))))


# --- materials, targets -------------------------------------------------------------------------------------------

def _materials_check() -> dict[str, Any]:
    from cellbench.materials.informatics import IntakeReport

    d = Definitions()
    return _document("cellbench materials check MATERIAL --json",
                     "What the formula (and a CIF) give beside the submitted values: molar mass, theoretical capacity, "
                     "density, lithium sites, and a flag for each value that does not fit (cellbench.materials).",
                     d.model(IntakeReport), d)


def _targets_show() -> dict[str, Any]:
    from cellbench.targets.sets import TargetSet

    d = Definitions()
    return _document("cellbench targets show SET --json", "A target set as data: every target with its stage, "
                     "threshold, year and source (cellbench.targets).", d.model(TargetSet), d)


def _targets_check() -> dict[str, Any]:
    from cellbench.targets.assessment import TargetCheck

    d = Definitions()
    gate = record({"set": STRING, "stage": STRING, "met": INTEGER, "not met": INTEGER, "not assessed": INTEGER,
                   "missing": array(STRING), "passes": nullable(BOOLEAN)})
    return _document("cellbench targets check --json",
                     "The figures gathered from the results named (and where each came from), every check against the "
                     "target sets, and the stage gate per set and stage (passes: null when nothing was assessed).",
                     record({"figures": mapping(NUMBER), "origins": mapping(STRING),
                             "electrolyte_type": nullable(STRING), "checks": array(d.model(TargetCheck)),
                             "stage_gate": array(gate)}), d)


# --- pack and vehicle ---------------------------------------------------------------------------------------------

def _drive_summary() -> dict[str, Any]:
    shortfall = record({"time_s": NUMBER, "demanded_kW": NUMBER, "deliverable_kW": NUMBER, "shortfall_kW": NUMBER,
                        "message": STRING})
    return record({"cycle": STRING, "grade_pct": NUMBER, "repeat": INTEGER, "cooling": STRING, "start_soc": NUMBER,
                   "distance_km": NUMBER, "wh_per_km": NUMBER, "energy_kwh": NUMBER, "range_km": NUMBER,
                   "max_cell_temperature_C": NUMBER, "temperature_spread_K": NUMBER, "final_soc": NUMBER,
                   "temperature_limit_C": NUMBER, "within_limit": BOOLEAN, "cooling_needed": BOOLEAN,
                   "completed": BOOLEAN, "shortfall": nullable(shortfall)})


def _charge_summary() -> dict[str, Any]:
    return record({"stages": array(STRING), "from_soc": NUMBER, "to_soc": NUMBER, "reached_soc": NUMBER,
                   "time_min": NUMBER, "energy_kwh": NUMBER, "temperature_rise_K": NUMBER,
                   "max_cell_temperature_C": NUMBER, "temperature_spread_K": NUMBER, "cooling": STRING,
                   "temperature_limit_C": NUMBER, "within_limit": BOOLEAN, "cooling_needed": BOOLEAN,
                   "ended_at_start": array(STRING)})


def _drive() -> dict[str, Any]:
    from cellbench.targets.assessment import TargetCheck

    d = Definitions()
    body = _drive_summary()
    body["properties"]["target_checks"] = array(d.model(TargetCheck))
    body["required"].append("target_checks")
    return _document("cellbench drive --pack FILE --json",
                     "The pack's vehicle through a drive cycle: distance, Wh/km, energy, range on one charge, hottest "
                     "cell, final SOC; shortfall when the pack could not deliver the power (then exit 3); the vehicle "
                     "targets checked (cellbench.pack).", body, d)


def _fastcharge() -> dict[str, Any]:
    then_drive = record({"charge": _charge_summary(), "drive": _drive_summary(), "max_cell_temperature_C": NUMBER,
                         "temperature_limit_C": NUMBER, "within_limit": BOOLEAN, "cooling_needed": BOOLEAN})
    return _document("cellbench fastcharge --pack FILE --json",
                     "The fast charge (time, energy, temperature rise, hottest cell against the limit); with "
                     "--then-drive, the charge and the drive that follows it (cellbench.pack).",
                     {"oneOf": [_charge_summary(), then_drive]})


def _pack_heat() -> dict[str, Any]:
    mode = record({"cooling": STRING, "max_cell_temperature_C": NUMBER, "temperature_spread_K": NUMBER,
                   "temperature_limit_C": NUMBER, "within_limit": BOOLEAN})
    return _document("cellbench pack heat --pack FILE --json",
                     "The hottest cell and the spread for each cooling mode against the temperature limit; "
                     "cooling_needed is null when 'none' was not among the modes (cellbench.pack).",
                     record({"scenario": {"enum": ["combined", "charge", "drive"]}, "modes": array(mode),
                             "cooling_needed": nullable(BOOLEAN)}))


# --- simulation, calibration ----------------------------------------------------------------------------------------

def _export_bpx() -> dict[str, Any]:
    return _document("cellbench export-bpx --cell ID --out FILE --json", "The cell exported and the BPX file written.",
                     record({"cell": STRING, "out": STRING}))


def _calibrate() -> dict[str, Any]:
    from cellbench.simulate.calibration import Calibration

    d = Definitions()
    whole = Calibration.model_json_schema(mode="serialization", ref_template="#/$defs/{model}")
    d.defs.update(whole.pop("$defs", {}))
    kept = ("cell", "label", "fitted", "residuals", "conditions", "spread")
    optimum = record({"start": mapping(NUMBER), "value": mapping(NUMBER), "cost": NUMBER, "cost_vs_best": NUMBER,
                      "evaluations": INTEGER})
    body = record({"out": STRING, "seconds": NUMBER, "evaluations": INTEGER, "converged": BOOLEAN,
                   "message": STRING, "optima": nullable(array(optimum)), **{k: whole["properties"][k] for k in kept}})
    return _document("cellbench calibrate CELL FILE... --json",
                     "The calibration written (out): fitted values with 95 % intervals and their start, residuals per "
                     "test before and after, and the conditions the data cover; how the optimiser ended "
                     "(cellbench.calibration); with --starts, the optimum found from each start (null without); with "
                     "--spread, the alternatives that fit as well with those parameters free too (null without).",
                     body, d)


def _validate() -> dict[str, Any]:
    test = record({"file": STRING, "sha256": nullable(STRING), "current_A": NUMBER, "temperature_C": NULLABLE_NUMBER,
                   "rested_voltage_V": NULLABLE_NUMBER, "initial_soc_pct": NUMBER,
                   "capacity_error_pct": NULLABLE_NUMBER, "energy_error_pct": NULLABLE_NUMBER,
                   "mean_voltage_error_mV": NULLABLE_NUMBER, "voltage_rmse_mV": NULLABLE_NUMBER,
                   "temperature_rmse_K": NULLABLE_NUMBER, "capacity_Ah": NULLABLE_NUMBER,
                   "measured_capacity_Ah": NUMBER, "simulation_failed": nullable(STRING), "warnings": array(STRING),
                   "alternative_capacities_Ah": nullable(array(NUMBER)), "spread_pct": NULLABLE_NUMBER,
                   "alternatives_failed": nullable(INTEGER)})
    coverage = mapping(nullable(RANGE))
    return _document("cellbench validate CELL FILE... --json",
                     "The (calibrated) cell against measured discharges: errors per test, their mean against the "
                     "tolerance, the verdict, the conditions the calibration covers, and, for a calibration with "
                     "alternatives (calibrate --spread), the capacity each predicts and how far they disagree "
                     "(spread_pct) (cellbench.calibration).",
                     record({"cell": STRING, "calibrated": BOOLEAN, "calibration": nullable(STRING),
                             "coverage": nullable(coverage), "tolerance_pct": NUMBER,
                             "open_parameters": nullable(array(STRING)),
                             "mean_abs_capacity_error_pct": NULLABLE_NUMBER, "passed": BOOLEAN, "verdict": STRING,
                             "tests": array(test), "plot": nullable(STRING)}))


# --- durability -----------------------------------------------------------------------------------------------------

def _acceleration_fit() -> dict[str, Any]:
    return record({"parameters": mapping(record({"value": NUMBER, "std_error": NULLABLE_NUMBER})),
                   "exponent": NUMBER, "reference_temperature_C": NUMBER, "degrees_of_freedom": INTEGER,
                   "rms_error": NUMBER, "notes": array(STRING)})


def _ageing_fit() -> dict[str, Any]:
    return _document("cellbench ageing fit DATA --json",
                     "The acceleration fit of the check-ups: each parameter (ln k, activation energy in kJ/mol, and the "
                     "time exponent, SOC and C-rate terms when fitted) with its standard error (cellbench.durability).",
                     _acceleration_fit())


def _ageing_predict() -> dict[str, Any]:
    prediction = record({"temperature_C": NUMBER, "time": NUMBER, "soc": NUMBER, "c_rate": NUMBER,
                         "retention": NUMBER, "std_error": NUMBER, "retention_low": NUMBER, "retention_high": NUMBER})
    return _document("cellbench ageing predict DATA --json",
                     "Retention at use conditions with its 95 % band (retention_low–retention_high, fractions), and "
                     "the fit it comes from.", record({"prediction": prediction, "fit": _acceleration_fit()}))


def _ageing_run() -> dict[str, Any]:
    row = record({"days": NUMBER, "equivalent_full_cycles": NUMBER, "lli": NUMBER, "lam_cathode": NUMBER,
                  "lam_anode": NUMBER, "cathode_film_resistance_ohm_cm2": NUMBER, "cathode_contact_loss": NUMBER,
                  "capacity_Ah": NUMBER, "resistance_ohm": NUMBER, "capacity_retention": NUMBER,
                  "resistance_growth": NUMBER}, optional=("days", "equivalent_full_cycles"))
    row["oneOf"] = [{"required": ["days"]}, {"required": ["equivalent_full_cycles"]}]
    return _document("cellbench ageing run CELL --json",
                     "One row per check-up of the virtual ageing test (days in storage, or equivalent full cycles): "
                     "losses (fractions), cathode film and contact loss, 1/3C capacity and 10 s DC-IR.", array(row))


def _ageing_early_life() -> dict[str, Any]:
    return _document("cellbench ageing early-life TEST --json",
                     "ΔQ(V) features between an early and a late cycle (Severson et al. 2019); the logarithm and the "
                     "minimum are null when the two curves are identical.",
                     record({"var_delta_q": NUMBER, "identical_curves": BOOLEAN,
                             "log10_var_delta_q": NULLABLE_NUMBER, "min_delta_q_Ah": NULLABLE_NUMBER,
                             "mean_delta_q_Ah": NUMBER, "early_discharge_capacity_Ah": NUMBER,
                             "voltage_range_V": RANGE}))


def _diagnose() -> dict[str, Any]:
    mechanism = record({"id": STRING, "name": STRING, "where": STRING, "score": NUMBER, "evidence": array(STRING),
                        "signatures": array(STRING), "other_evidence": array(STRING)})
    return _document("cellbench diagnose TEST --json",
                     "Loss of lithium inventory and of active material per electrode (fractions, from a dV/dQ fit of "
                     "the OCP tables), capacity retention and resistance growth, the fitted electrode balance, and "
                     "mechanisms ranked by the degradation-factor map (cellbench.durability).",
                     record({"ocp_source": STRING, "losses": mapping(NULLABLE_NUMBER),
                             "capacity_retention": NULLABLE_NUMBER, "resistance_growth": NULLABLE_NUMBER,
                             "reference": STRING, "reliable": BOOLEAN, "aged_balance": mapping(NULLABLE_NUMBER),
                             "fit_rms_error_mV": NUMBER, "fit_points": INTEGER, "polarisation_V": NUMBER,
                             "mechanisms": array(mechanism), "degradation_map_version": nullable(STRING),
                             "notes": array(STRING)}))


def _eis() -> dict[str, Any]:
    fit = record({"warnings": array(STRING), "circuit": STRING, "parameters": mapping(NUMBER),
                  "std_errors": mapping(NULLABLE_NUMBER), "resistances_ohm": mapping(NUMBER),
                  "resistance_ci95_ohm": mapping({"type": "array", "items": NULLABLE_NUMBER, "minItems": 2,
                                                  "maxItems": 2}),
                  "identifiable": mapping(BOOLEAN), "arc_closed_share": mapping(NUMBER),
                  "lowest_frequency_Hz": NULLABLE_NUMBER, "rms_error_ohm": NUMBER, "points": INTEGER})
    return _document("cellbench eis FILE --json",
                     "The equivalent-circuit fit per electrode: parameters with standard errors, the ohmic, middle and "
                     "low-frequency resistances with 95 % intervals (null: unbounded), whether the spectrum identifies "
                     "each, and warnings (cellbench.durability).",
                     record({"file": STRING, "electrodes": mapping(fit)}))


# --- scenarios, sustainability ----------------------------------------------------------------------------------------

def _scenario_run() -> dict[str, Any]:
    row = {"type": "object", "properties": {"year": INTEGER, "scenario": STRING, "segment": STRING},
           "required": ["year", "scenario"], "additionalProperties": NUMBER}
    comparison = record({"scenario": STRING, "segment": STRING, "year": INTEGER, "quantity": STRING,
                         "report": NUMBER, "cellbench": NUMBER, "difference_percent": NUMBER,
                         "tolerance_percent": NUMBER, "within_tolerance": BOOLEAN, "basis": STRING, "where": STRING})
    return _document("cellbench scenario run SCENARIO.yaml... --json",
                     "One row per year and scenario (and segment, with --by-segment): sales, stock, battery GWh and "
                     "revenue, CO₂ saved, end-of-life batteries and recoverable metals (t), fast chargers; with "
                     "--compare, the rows and the comparison with the report's published figures (cellbench.scenarios).",
                     {"oneOf": [array(row), record({"rows": array(row), "comparison": array(comparison)})]})


def _passport_list() -> dict[str, Any]:
    return _document("cellbench passport list --json", "The ids of the passports in the store, and the built-in 'demo'.",
                     array(STRING))


def _soh_entry() -> dict[str, Any]:
    return record({"date": STRING, "capacity_Ah": NULLABLE_NUMBER, "soh_capacity_pct": NUMBER,
                   "resistance_mohm": NULLABLE_NUMBER, "resistance_increase_pct": NULLABLE_NUMBER, "source": STRING})


def _passport_show() -> dict[str, Any]:
    specification = record({"model_number": STRING, "category": STRING, "chemistry": STRING,
                            "dimensions_mm": mapping(NUMBER), "rated_capacity_Ah": NUMBER, "rated_energy_kWh": NUMBER,
                            "nominal_voltage_V": NUMBER})
    individual = record({"battery_id": STRING, "passport": STRING, "status": STRING, "manufacturing_date": STRING,
                         "manufacturing_place": mapping(nullable(STRING)), "soh_history": array(_soh_entry())},
                        optional=("soh_history",))
    return _document("cellbench passport show BATTERY --json",
                     "Specification and individual identification of a battery passport; the state-of-health history "
                     "only for an audience that may read it (--as legitimate_interest or authorities).",
                     record({"id": STRING, "access_tier": STRING, "specification": specification,
                             "individual": individual}))


def _passport_soh() -> dict[str, Any]:
    measured = record({"capacity_Ah": NUMBER, "soh_capacity_pct": NUMBER, "resistance_ohm": NULLABLE_NUMBER,
                       "resistance_increase_pct": NULLABLE_NUMBER, "cycles": INTEGER})
    return _document("cellbench passport soh --battery ID --json",
                     "Where the passport was saved, its latest state-of-health entry, and what was measured (null when "
                     "the numbers were given).",
                     record({"passport": STRING, "latest": _soh_entry(), "measurement": nullable(measured)}))


def _passport_export() -> dict[str, Any]:
    return _document("cellbench passport export --battery ID -o FILE --json",
                     "The BatteryPass file written (validated against the 7 aspect schemas before writing) and the "
                     "audience it was cut for (null: everything).",
                     record({"battery": STRING, "output": STRING, "format": {"const": "BatteryPass v1.2.0"},
                             "audience": nullable(STRING), "valid": {"const": True}}))


def _passport_import() -> dict[str, Any]:
    return _document("cellbench passport import FILE --json", "The passport checked and stored: its id, the file it "
                     "was read from and where the store keeps it.",
                     record({"id": STRING, "file": STRING, "stored": STRING}))


def _passport_due_diligence() -> dict[str, Any]:
    from cellbench.sustainability.passport import DueDiligenceRecord

    d = Definitions()
    return _document("cellbench passport due-diligence --battery ID --json",
                     "The due-diligence questionnaire records the audience may see (none for the public).",
                     array(d.model(DueDiligenceRecord)), d)


# --- the web platform's accounts ---------------------------------------------------------------------------------------

def _admin_organisation() -> dict[str, Any]:
    return _document("cellbench admin organisation NAME --json", "The organisation created.",
                     record({"id": INTEGER, "organisation": STRING}))


def _admin_user() -> dict[str, Any]:
    return _document("cellbench admin user EMAIL --json", "The user created (the password is never printed).",
                     record({"id": INTEGER, "email": STRING, "organisation": STRING,
                             "role": {"enum": ["member", "org_admin", "evaluator", "site_admin"]}}))


def _admin_token() -> dict[str, Any]:
    return _document("cellbench admin token EMAIL --json",
                     "The API token created, shown this once (send it as `Authorization: Bearer TOKEN`).",
                     record({"email": STRING, "name": STRING, "token": STRING}))


def _admin_consortium() -> dict[str, Any]:
    return _document("cellbench admin consortium NAME --json", "The consortium created and its member organisations.",
                     record({"id": INTEGER, "consortium": STRING, "members": array(STRING)}))


# --- campaigns ----------------------------------------------------------------------------------------------------------

def _campaign_parts(d: Definitions) -> tuple[dict[str, Any], dict[str, Any]]:
    """The campaign summary (`campaign show`'s body) and the lab round's result."""
    from cellbench.campaigns.spec import CampaignSpec, Constraint, Objective

    trial = record({"number": INTEGER, "state": STRING, "status": STRING, "params": mapping({}),
                    "values": mapping(NULLABLE_NUMBER), "error": nullable(STRING), "sample_id": nullable(STRING),
                    "retry_of": nullable(INTEGER), "wall_time_s": NULLABLE_NUMBER, "provenance": mapping({})})
    summary = record({"campaign_id": STRING, "name": STRING, "base_cell": STRING, "budget": INTEGER,
                      "finished": INTEGER, "by_status": mapping(INTEGER),
                      "objectives": array(d.model(Objective)), "constraints": array(d.model(Constraint)),
                      "pareto_front": array(trial), "trials": array(trial), "spec": d.model(CampaignSpec)},
                     optional=("trials",))
    lab = record({"campaign_id": STRING, "collected": array({"type": "object"}), "proposed": array({"type": "object"}),
                  "waiting": array(record({"number": INTEGER, "sample_id": STRING})), "finished": INTEGER,
                  "budget": INTEGER})
    return summary, lab


def _campaign_run(title: str, description: str) -> Callable[[], dict[str, Any]]:
    def make() -> dict[str, Any]:
        d = Definitions()
        summary, lab = _campaign_parts(d)
        run = record({"ran_now": INTEGER, "wall_time_s": NUMBER, "evaluations_per_s": NULLABLE_NUMBER,
                      "workers": INTEGER, "recovered_interrupted_trials": array(INTEGER)})
        summary["properties"].update(run=run, exported=array(STRING), plot=nullable(STRING))
        summary["required"] += ["run", "exported", "plot"]
        return _document(title, description, {"oneOf": [summary, lab]}, d)
    return make


def _campaign_show() -> dict[str, Any]:
    d = Definitions()
    summary, _ = _campaign_parts(d)
    summary["properties"].update(limiting_parameters=mapping(STRING), exported=array(STRING))
    summary["required"] += ["limiting_parameters", "exported"]
    return _document("cellbench campaign show [ID] --json",
                     "A campaign's counts, its feasible Pareto front, the parameters that limit it and the campaign "
                     "file as read; every trial with its provenance with --trials (cellbench.campaigns).", summary, d)


SCHEMAS: dict[str, Callable[[], dict[str, Any]]] = {
    "ingest": _ingest,
    "watch": _watch,
    "tests-list": _test_record_list,
    "tests-show": _test_record_show,
    "tests-flag": _test_record_flag,
    "tests-failures": _failures,
    "safety-tests": _safety_tests,
    "safety-show": _safety_show,
    "safety-judge": _safety_judge,
    "safety-store": _safety_store,
    "safety-records": _safety_records,
    "arc": _arc,
    "materials-check": _materials_check,
    "targets-show": _targets_show,
    "targets-check": _targets_check,
    "drive": _drive,
    "fastcharge": _fastcharge,
    "pack-heat": _pack_heat,
    "export-bpx": _export_bpx,
    "calibrate": _calibrate,
    "validate": _validate,
    "ageing-fit": _ageing_fit,
    "ageing-predict": _ageing_predict,
    "ageing-run": _ageing_run,
    "ageing-early-life": _ageing_early_life,
    "diagnose": _diagnose,
    "eis": _eis,
    "scenario-run": _scenario_run,
    "passport-list": _passport_list,
    "passport-show": _passport_show,
    "passport-soh": _passport_soh,
    "passport-export": _passport_export,
    "passport-import": _passport_import,
    "passport-due-diligence": _passport_due_diligence,
    "admin-organisation": _admin_organisation,
    "admin-user": _admin_user,
    "admin-token": _admin_token,
    "admin-consortium": _admin_consortium,
    "campaign-run": _campaign_run(
        "cellbench campaign run FILE --json",
        "The campaign after this run (counts, feasible Pareto front, the campaign file as read), what this run did "
        "and the files written; for a lab campaign, the round: results collected, designs proposed, samples waiting."),
    "campaign-resume": _campaign_run(
        "cellbench campaign resume [ID] --json",
        "As `campaign run --json`: the campaign after the resumed run (re-queued trials under "
        "run.recovered_interrupted_trials), or a lab campaign's round."),
    "campaign-show": _campaign_show,
}


def generated() -> dict[str, dict[str, Any]]:
    """Every schema this module writes, by file name in docs/."""
    return {f"cli-{name}.schema.json": make() for name, make in SCHEMAS.items()}
