"""Campaign studies in an Optuna storage that the caller opens.

cellbench keeps them in its own SQL database, beside the store's tables: ``cellbench.store.campaigns.storage``
opens (and migrates) the store first and gives Optuna's storage of the same database; the functions here take
whatever Optuna storage they are given, so that this package never imports the store. Every trial carries the
user attribute ``status`` (complete, infeasible, failed, interrupted, waiting-for-lab) next to Optuna's state,
and ``result`` (values, constraint violations, error, provenance, wall time) once it has finished.
"""

from __future__ import annotations

import json

import optuna
from optuna.trial import TrialState

from cellbench.campaigns.spec import CampaignSpec
from cellbench.errors import InputError, NotFound

optuna.logging.set_verbosity(optuna.logging.WARNING)

SPEC_ATTR = "cellbench_campaign_spec"
FINISHED = ("complete", "infeasible", "failed")
RESULT_KEYS = ("values", "constraints", "error", "provenance", "wall_time_s")


def sampler_for(spec: CampaignSpec) -> optuna.samplers.BaseSampler:
    if spec.sampler == "random":
        return optuna.samplers.RandomSampler(seed=spec.seed)
    if spec.sampler == "gp":
        # Gaussian-process Bayesian optimisation: few evaluations, pushes parameters to their bounds when that
        # pays; needs PyTorch (the `bench` extra), so it is opt-in
        try:
            import torch  # noqa: F401
        except ImportError:
            raise InputError("sampler 'gp' needs PyTorch: pip install torch (or use sampler 'tpe')",
                             location="sampler") from None
        import warnings

        with warnings.catch_warnings():
            # a simulation is deterministic; Optuna marks that argument experimental
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            return optuna.samplers.GPSampler(seed=spec.seed, deterministic_objective=True,
                                             n_startup_trials=max(4, min(20, spec.budget // 10)))
    if spec.sampler == "nsga2":
        return optuna.samplers.NSGAIISampler(seed=spec.seed, population_size=max(8, min(50, spec.budget // 4)))
    return optuna.samplers.TPESampler(seed=spec.seed, multivariate=True,
                                      n_startup_trials=max(4, min(20, spec.budget // 5)))


def new_study(spec: CampaignSpec, storage: optuna.storages.BaseStorage) -> optuna.Study:
    """A fresh study named ``<campaign name>-<n>`` holding the campaign document, in ``storage``."""
    taken = {s.study_name for s in storage.get_all_studies()}
    n = 1
    while f"{spec.name}-{n}" in taken:
        n += 1
    study = optuna.create_study(storage=storage, study_name=f"{spec.name}-{n}", sampler=sampler_for(spec),
                                directions=[o.direction for o in spec.objectives])
    study.set_user_attr(SPEC_ATTR, spec.model_dump(mode="json"))
    return study


def open_study(campaign_id: str | None, storage: optuna.storages.BaseStorage) -> tuple[optuna.Study, CampaignSpec]:
    """An existing campaign's study and document in ``storage``; `campaign_id` None means the newest campaign."""
    studies = [s for s in storage.get_all_studies() if SPEC_ATTR in s.user_attrs]
    if not studies:
        raise NotFound("no campaign in this database; start one with 'cellbench campaign run FILE.yaml'")
    if campaign_id is None:
        chosen = max(studies, key=lambda s: s._study_id)
    else:
        matches = [s for s in studies if s.study_name == campaign_id]
        if not matches:
            names = ", ".join(s.study_name for s in studies[-10:])
            raise NotFound(f"no campaign '{campaign_id}'; campaigns: {names}")
        chosen = matches[0]
    spec = CampaignSpec.model_validate(chosen.user_attrs[SPEC_ATTR])
    study = optuna.load_study(study_name=chosen.study_name, storage=storage, sampler=sampler_for(spec))
    return study, spec


def finished_count(study: optuna.Study) -> int:
    """Trials that used budget: completed, infeasible or failed (not interrupted, not waiting)."""
    return sum(1 for t in study.get_trials(deepcopy=False) if t.user_attrs.get("status") in FINISHED)


def recover_interrupted(study: optuna.Study) -> list[int]:
    """Trials left RUNNING by a killed run: queue their parameters again (once) and mark them interrupted.

    Idempotent: the re-queued trial carries ``retry_of``, so a second recovery never queues a duplicate.
    Lab trials (waiting for measured results) are not interrupted; they wait for their sample.
    """
    trials = study.get_trials(deepcopy=False)
    queued = {t.user_attrs.get("retry_of") for t in trials if t.state == TrialState.WAITING}
    queued |= {t.user_attrs.get("retry_of") for t in trials if t.user_attrs.get("retry_of") is not None
               and t.state != TrialState.WAITING}
    recovered = []
    for t in trials:
        if t.state != TrialState.RUNNING or t.user_attrs.get("status") == "waiting-for-lab":
            continue
        if t.number not in queued:
            study.enqueue_trial(t.params, user_attrs={"retry_of": t.number}, skip_if_exists=False)
        study._storage.set_trial_user_attr(t._trial_id, "status", "interrupted")
        study._storage.set_trial_state_values(t._trial_id, TrialState.FAIL)
        recovered.append(t.number)
    return recovered


def record_result(study: optuna.Study, trial: optuna.Trial, spec: CampaignSpec, result: dict) -> None:
    """Tell Optuna a trial's outcome and keep its values, constraints, error and provenance on the trial."""
    trial.set_user_attr("result", _jsonable({key: result.get(key) for key in RESULT_KEYS}))
    trial.set_user_attr("status", result["status"])
    violations = result.get("constraints") or []
    if len(violations) == len(spec.constraints):
        # constraint-aware samplers (TPE, NSGA-II) read these: <= 0 is feasible
        for i, (c, v) in enumerate(zip(spec.constraints, violations)):
            trial.set_constraint(f"{i}:{c.metric}", float(v))
    values = result.get("values", {})
    objective_values = [values.get(o.metric) for o in spec.objectives]
    if result["status"] == "failed" or any(v is None for v in objective_values):
        study.tell(trial, state=TrialState.FAIL)
        return
    # Optuna refuses inf/nan objective values: a charge that never reaches 80% gets a finite worst value
    clean = [v if v == v and abs(v) != float("inf") else (1e9 if o.direction == "minimize" else -1e9)
             for v, o in zip(objective_values, spec.objectives)]
    study.tell(trial, clean)


def _jsonable(value):
    return json.loads(json.dumps(value, default=str, allow_nan=True)) if value is not None else None


def require_spec_matches(study: optuna.Study, spec: CampaignSpec) -> None:
    stored = CampaignSpec.model_validate(study.user_attrs[SPEC_ATTR])
    if stored.digest() != spec.digest():
        raise InputError(f"campaign '{study.study_name}' was started from a different document")
