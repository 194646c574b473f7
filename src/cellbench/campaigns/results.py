"""What a campaign found: its trials, the feasible Pareto front, a plot, and the chosen designs as catalogue YAML.

The front is computed here over feasible completed trials (constraints met), so it is the same whichever sampler
ran. A trial's row keeps its provenance (cellbench version, base-cell hash, protocol, model, host).

>>> front = pareto_front([{"values": {"a": 1, "b": 1}}, {"values": {"a": 2, "b": 0}}, {"values": {"a": 0, "b": 0}}],
...                      {"a": "maximize", "b": "maximize"})
>>> [r["values"]["a"] for r in front]
[1, 2]
"""

from __future__ import annotations

from pathlib import Path

import yaml

from cellbench.campaigns import study as st
from cellbench.campaigns.search_space import MATERIAL_PARAMETERS, apply_parameters
from cellbench.campaigns.spec import CampaignSpec, base_design
from cellbench.errors import InputError


def trial_rows(study) -> list[dict]:
    """One dict per trial: number, status, parameters, metric values, error, provenance."""
    rows = []
    for t in study.get_trials(deepcopy=False):
        a = t.user_attrs
        # studies written before attributes were merged into one `result` keep them one by one
        result = a.get("result") or {k: a.get(k) for k in st.RESULT_KEYS}
        rows.append({"number": t.number, "state": t.state.name, "status": a.get("status", "running"),
                     "params": dict(t.params), "values": result.get("values") or {}, "error": result.get("error"),
                     "sample_id": a.get("sample_id"), "retry_of": a.get("retry_of"),
                     "wall_time_s": result.get("wall_time_s"), "provenance": result.get("provenance") or {}})
    return rows


def _dominates(a: list[float], b: list[float]) -> bool:
    return all(x >= y for x, y in zip(a, b)) and any(x > y for x, y in zip(a, b))


def pareto_front(rows: list[dict], directions: dict[str, str]) -> list[dict]:
    """Rows not dominated by any other, all objectives turned to 'larger is better'; in input order."""
    def score(r):
        return [r["values"][m] * (1 if d == "maximize" else -1) for m, d in directions.items()]

    usable = [r for r in rows if all(isinstance(r["values"].get(m), (int, float)) for m in directions)]
    scores = [score(r) for r in usable]
    return [r for i, r in enumerate(usable)
            if not any(_dominates(scores[j], scores[i]) for j in range(len(usable)) if j != i)]


def summary(study, spec: CampaignSpec) -> dict:
    """The campaign as JSON-ready data: counts, the feasible Pareto front and every trial."""
    rows = trial_rows(study)
    directions = {o.metric: o.direction for o in spec.objectives}
    feasible = [r for r in rows if r["status"] == "complete"]
    front = sorted(pareto_front(feasible, directions), key=lambda r: r["values"][spec.objectives[0].metric])
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    return {"campaign_id": study.study_name, "name": spec.name, "base_cell": spec.base_cell,
            "budget": spec.budget, "finished": st.finished_count(study), "by_status": counts,
            "objectives": [o.model_dump() for o in spec.objectives],
            "constraints": [c.model_dump() for c in spec.constraints],
            "pareto_front": front, "trials": rows, "spec": spec.model_dump(mode="json")}


def limiting_parameters(front: list[dict], spec: CampaignSpec, *, edge_fraction: float = 0.1) -> dict[str, str]:
    """Parameters that sit near a bound of their range (within `edge_fraction` of it, in log space for log
    parameters) across most of the front: what would have to move for the front to move."""
    import math

    out = {}
    for name, b in spec.parameters.items():
        values = [r["params"][name] for r in front if name in r["params"]]
        if not values or b.choices:
            continue
        scale = math.log if b.log else (lambda x: x)
        low, high = scale(b.low), scale(b.high)
        span = high - low
        at_low = sum(scale(v) <= low + edge_fraction * span for v in values) / len(values)
        at_high = sum(scale(v) >= high - edge_fraction * span for v in values) / len(values)
        if at_low >= 0.6:
            out[name] = f"at its lower bound {b.low:g} in {at_low:.0%} of the front"
        elif at_high >= 0.6:
            out[name] = f"at its upper bound {b.high:g} in {at_high:.0%} of the front"
    return out


def plot_front(data: dict, path: str | Path) -> Path:
    """An HTML scatter (Plotly, offline) of every trial on two metrics, the feasible front highlighted."""
    import plotly.graph_objects as go

    # the first two objectives; with one objective, the first constraint's metric is the other axis
    names = [o["metric"] for o in data["objectives"]] + [c["metric"] for c in data["constraints"]]
    metrics = list(dict.fromkeys(names))[:2]
    if len(metrics) < 2:
        raise InputError("a plot needs two metrics: give the campaign a second objective or a constraint")
    fig = go.Figure()
    for status, colour in (("complete", "#1f77b4"), ("infeasible", "#bbbbbb")):
        rows = [r for r in data["trials"] if r["status"] == status and all(m in r["values"] for m in metrics)]
        fig.add_trace(go.Scatter(x=[r["values"][metrics[0]] for r in rows], y=[r["values"][metrics[1]] for r in rows],
                                 mode="markers", name=status, marker={"color": colour},
                                 text=[f"trial {r['number']}" for r in rows]))
    front = data["pareto_front"]
    fig.add_trace(go.Scatter(x=[r["values"][metrics[0]] for r in front], y=[r["values"][metrics[1]] for r in front],
                             mode="lines+markers", name="Pareto front (feasible)", marker={"color": "#d62728", "size": 9}))
    fig.update_layout(title=f"{data['campaign_id']}: {data['finished']} evaluations",
                      xaxis_title=metrics[0], yaxis_title=metrics[1])
    path = Path(path)
    fig.write_html(path, include_plotlyjs=True)
    return path


def export_designs(study, spec: CampaignSpec, folder: str | Path, numbers: list[int] | None = None) -> list[Path]:
    """Write the chosen trials (default: the Pareto front) as catalogue cell YAML files.

    Material-property parameters (particle size, SE conductivity) are not design fields: they are written into
    the file's notes and its header so the variant can be rebuilt with the same values.
    """
    data = summary(study, spec)
    chosen = data["pareto_front"] if numbers is None else [r for r in data["trials"] if r["number"] in numbers]
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    base = base_design(spec)
    written = []
    for row in chosen:
        variant_id = f"{study.study_name}-t{row['number']:04d}"
        design = apply_parameters(base, row["params"], variant_id=variant_id)
        document = design.model_dump(mode="json", exclude_none=True)
        document["version"] = "campaign"
        document["sources"] = list(document.get("sources", [])) + [f"cellbench campaign {study.study_name}, trial {row['number']}"]
        materials = {k: v for k, v in row["params"].items() if k in MATERIAL_PARAMETERS}
        header = [f"# Campaign {study.study_name}, trial {row['number']} ({row['status']}) from {spec.base_cell}"]
        if row["values"]:
            header.append("# values: " + ", ".join(f"{k}={v:.4g}" for k, v in row["values"].items()))
        if materials:
            header.append("# material properties set by the campaign (not design fields): "
                          + ", ".join(f"{k}={v:.4g}" for k, v in materials.items()))
        path = folder / f"{variant_id}.yaml"
        path.write_text("\n".join(header) + "\n" + yaml.safe_dump(document, sort_keys=False, allow_unicode=True))
        written.append(path)
    return written
