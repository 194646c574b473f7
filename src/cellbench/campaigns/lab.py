"""Lab in the loop: the campaign proposes a batch of cells to build and test, then learns from what the lab measured.

Each proposed trial gets a sample id (``<prefix>-<study id>-<trial number>``) and waits in the study as
"waiting-for-lab". The lab builds the cell (the design YAML is exported for it), runs the campaign's protocol and
ingests the cycler file into the store (``cellbench ingest``). The store's test records have no sample-id field,
so a result is matched by its **cell id**: the operator enters the sample id as the cell id on the cycler
(Maccor name/barcode, Arbin item id, Novonix or PEC cell, ``cell_id`` in a generic CSV column map).
:func:`collect` then computes the campaign's metrics from the measured test (design metrics from the design) and
tells the study, which proposes the next batch.

Where measured tests come from is the caller's: :func:`collect` asks a ``find_test`` function (sample id → the
newest usable :class:`MeasuredTest`, or None); ``cellbench.store.campaigns`` gives one that reads the store.

>>> from cellbench.store import campaigns as stored
>>> study, spec = stored.open_study("lab-demo-1")   # needs a stored lab campaign  # doctest: +SKIP
>>> propose(study, spec)[0]["sample_id"]            # doctest: +SKIP
'CB-3-0000'
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cellbench.campaigns import study as st
from cellbench.campaigns.objectives import evaluate_metrics
from cellbench.campaigns.evaluation import _violated, constraint_violations
from cellbench.campaigns.results import export_designs
from cellbench.campaigns.run import _suggest, _variant_id
from cellbench.campaigns.search_space import apply_parameters
from cellbench.campaigns.spec import CampaignSpec, base_design
from cellbench.errors import InputError

WAITING = "waiting-for-lab"


@dataclass(frozen=True)
class MeasuredTest:
    """A measured test of a proposed sample: where it is kept and how to load its time series."""

    test_id: int
    content_hash: str
    source_file: str | None
    vendor: str | None
    load: Callable[[], Any]  # → Measurement; may raise InputError (the trial then fails with that reason)


#: sample id → the newest usable measured test of that sample, or None while the lab has none
FindTest = Callable[[str], MeasuredTest | None]


def sample_id(spec: CampaignSpec, study, number: int) -> str:
    prefix = spec.lab.sample_prefix if spec.lab else "CB"
    return f"{prefix}-{study._study_id}-{number:04d}"


def waiting(study) -> list:
    return [t for t in study.get_trials(deepcopy=False) if t.user_attrs.get("status") == WAITING]


def propose(study, spec: CampaignSpec, *, count: int | None = None, design_folder: str | Path | None = None) -> list[dict]:
    """Ask the sampler for a batch and mark it waiting for the lab; returns one dict per proposed experiment."""
    count = count or (spec.lab.batch_size if spec.lab else 1)
    count = min(count, spec.budget - st.finished_count(study) - len(waiting(study)))
    base = base_design(spec)
    proposals = []
    for _ in range(max(0, count)):
        trial = study.ask()
        params = _suggest(trial, spec)
        sid = sample_id(spec, study, trial.number)
        # the design must be buildable before anyone spends a day on it
        apply_parameters(base, params, variant_id=_variant_id(study.study_name, trial.number))
        trial.set_user_attr("status", WAITING)
        trial.set_user_attr("sample_id", sid)
        proposals.append({"number": trial.number, "sample_id": sid, "params": params, "protocol": spec.protocol})
    if design_folder is not None and proposals:
        paths = export_designs(study, spec, design_folder, numbers=[p["number"] for p in proposals])
        for p, path in zip(proposals, paths):
            p["design_file"] = str(path)
    return proposals


def collect(study, spec: CampaignSpec, find_test: FindTest) -> list[dict]:
    """Tell the study every waiting trial whose sample has a measured test (``find_test``)."""
    trials = {t.number: t for t in study.get_trials(deepcopy=False)}
    done = []
    base = base_design(spec)
    for frozen in waiting(study):
        sid = frozen.user_attrs["sample_id"]
        found = find_test(sid)
        if found is None:
            continue
        design = apply_parameters(base, frozen.params, variant_id=_variant_id(study.study_name, frozen.number))
        result: dict = {"params": dict(frozen.params), "error": None,
                        "provenance": {"source": "lab", "sample_id": sid, "test_id": found.test_id,
                                       "content_hash": found.content_hash, "source_file": found.source_file,
                                       "vendor": found.vendor}}
        try:
            values = evaluate_metrics(spec.metric_names, design, found.load())
            violated = _violated(spec, values)
            result.update(values=values, constraints=constraint_violations(spec, values),
                          status="infeasible" if violated else "complete",
                          error=("violates " + ", ".join(violated)) if violated else None)
        except InputError as exc:
            result.update(values={}, constraints=[], status="failed", error=f"measured result unusable: {exc}")
        trial = _live_trial(study, trials[frozen.number])
        st.record_result(study, trial, spec, result)
        done.append({"number": frozen.number, "sample_id": sid, "test_id": found.test_id, "status": result["status"],
                     "values": result["values"]})
    return done


def _live_trial(study, frozen):
    import optuna

    return optuna.trial.Trial(study, frozen._trial_id)


def run_lab(study, spec: CampaignSpec, collect_round: Callable[[], list[dict]], *, wait: bool = False,
            poll_s: float = 30.0, design_folder: str | Path | None = None, timeout_s: float | None = None) -> dict:
    """One lab round (collect what came back, propose the next batch), or rounds until the budget with `wait`.
    ``collect_round``: :func:`collect` with the caller's ``find_test`` (``cellbench.store.campaigns.run_lab`` passes
    one that reads the store)."""
    started = time.monotonic()
    collected, proposed = [], []
    while True:
        collected += collect_round()
        if not waiting(study) and st.finished_count(study) < spec.budget:
            proposed += propose(study, spec, design_folder=design_folder)
        if not wait or st.finished_count(study) >= spec.budget:
            break
        if timeout_s is not None and time.monotonic() - started > timeout_s:
            break
        time.sleep(poll_s)
    return {"campaign_id": study.study_name, "collected": collected, "proposed": proposed,
            "waiting": [{"number": t.number, "sample_id": t.user_attrs["sample_id"]} for t in waiting(study)],
            "finished": st.finished_count(study), "budget": spec.budget}
