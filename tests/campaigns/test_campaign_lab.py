"""Lab in the loop: proposals get sample ids, measured results come back through the store by cell id."""

from __future__ import annotations

import pytest

from cellbench.campaigns import CampaignSpec
from cellbench.campaigns.lab import propose
from cellbench.store.campaigns import collect, new_study, open_study, run_lab, show
from cellbench.store import Store

from conftest import design_only_spec

PROTOCOL = "Set SOC to 0%; Charge at 6C until Vmax; Hold at Vmax for 20 minutes or until C/20"


def lab_spec(**update):
    return CampaignSpec.model_validate(design_only_spec(
        name="lab", budget=3, lab={"batch_size": 2, "sample_prefix": "LAB"}, constraints=[], protocol=PROTOCOL,
        model="spm", thermal="isothermal",
        objectives=[{"metric": "wh_per_l_stack", "direction": "maximize"},
                    {"metric": "fast_charge_time_to_80_s", "direction": "minimize"}], **update))


def test_propose_marks_a_batch_waiting_with_sample_ids_and_exports_designs(store_env, tmp_path):
    spec = lab_spec()
    study = new_study(spec)
    batch = propose(study, spec, design_folder=tmp_path / "designs")
    assert [p["sample_id"] for p in batch] == [f"LAB-{study._study_id}-0000", f"LAB-{study._study_id}-0001"]
    from cellbench import cells

    built = cells.load_file(batch[0]["design_file"])
    assert built.separator.thickness_um == pytest.approx(batch[0]["params"]["separator_thickness_um"])
    # nothing measured yet: the round collects nothing and proposes nothing more while the batch waits
    outcome = run_lab(study, spec)
    assert outcome["collected"] == [] and outcome["proposed"] == [] and len(outcome["waiting"]) == 2
    assert show(study.study_name)["finished"] == 0


@pytest.mark.slow
def test_measured_result_is_matched_by_cell_id_and_told_to_the_study(store_env):
    from cellbench.campaigns import apply_parameters
    from cellbench.campaigns.spec import base_design
    from cellbench.simulate import simulate

    spec = lab_spec()
    study = new_study(spec)
    first = propose(study, spec, count=1)[0]
    # the "lab": build the proposed cell, run the protocol, ingest the file under the sample id
    design = apply_parameters(base_design(spec), first["params"])
    measured = simulate(design, PROTOCOL, model="spm", thermal="isothermal")
    measured.metadata.cell_id = first["sample_id"]
    with Store.open() as store:
        store.add_measurement(measured, source="lab-run.parquet")
    done = collect(study, spec)
    assert [d["sample_id"] for d in done] == [first["sample_id"]]
    study, _ = open_study(study.study_name)
    row = show(study.study_name)["trials"][0]
    assert row["status"] == "complete" and row["provenance"]["sample_id"] == first["sample_id"]
    from cellbench.analysis.metrics import charge_time_to
    from cellbench import cells

    expected = charge_time_to(measured, capacity_Ah=cells.figures(design).capacity_mAh / 1000).value
    assert 0 < expected < 1800  # the CV hold brings every design to 80%
    assert row["values"]["fast_charge_time_to_80_s"] == pytest.approx(expected)
    assert study.trials[0].values[1] == pytest.approx(expected)
    # the next round proposes the following batch
    assert len(run_lab(study, spec)["proposed"]) == 2
