"""results.json and a self-contained report.html for an evaluation (schema: docs/evaluation.md)."""

from __future__ import annotations

import html
import json
import math
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cellbench.cells.report import cell_summary
from cellbench.evaluation.run import Evaluation, change_pct, verdict
from cellbench.evaluation.suite import DIRECTION
from cellbench.measurements import schema as S
from cellbench.safety.report import safety_section_html

METRIC_TITLES = {
    "discharge_capacity": "discharge capacity", "discharge_energy": "discharge energy",
    "mean_discharge_voltage": "mean discharge voltage", "energy_efficiency": "energy efficiency",
    "pulse_resistance": "10-s pulse resistance", "pulse_power": "10-s pulse power", "charge_time_to": "charge time",
    "charged_fraction": "charged capacity", "max_temperature_rise": "temperature rise",
    "capacity_retention": "capacity retention", "resistance_growth": "DC-IR growth",
}


def _num(x):
    if x is None or (isinstance(x, float) and (math.isnan(x) or math.isinf(x))):
        return None if x is None or math.isnan(x) else ("inf" if x > 0 else "-inf")
    return x


def compared_metrics(ev: Evaluation) -> list[dict[str, Any]]:
    rows = []
    fb, fc = cell_summary(ev.baseline), cell_summary(ev.candidate)
    for key, unit, name in (("capacity_mAh", "mAh", "design capacity"), ("wh_per_l_stack", "Wh/L", "energy density (stack)"),
                            ("wh_per_l_outline", "Wh/L", "energy density (outline)"), ("wh_per_kg", "Wh/kg", "specific energy"),
                            ("mean_voltage_V", "V", "mean OCV")):
        c = change_pct(fb[key], fc[key])
        rows.append({"name": name, "metric": key, "item": "design", "test": "energy density", "unit": unit,
                     "conditions": {"basis": "design figures"}, "baseline": fb[key], "candidate": fc[key],
                     "change": fc[key] - fb[key], "change_pct": c, "verdict": verdict("discharge_capacity", c)})
    base, cand = ev.metrics.get("baseline", {}), ev.metrics.get("candidate", {})
    for item in ev.suite.items:
        if not item.runnable:
            continue
        for (spec, b), (_, c) in zip(base.get(item.id, []), cand.get(item.id, [])):
            bv = b.value if b else None
            cv = c.value if c else None
            pct = change_pct(bv, cv)
            unit = (b or c).unit if (b or c) else ""
            conditions = {**item.conditions, **((b or c).conditions if (b or c) else {}), **spec.conditions}
            name = METRIC_TITLES.get(spec.fn, spec.fn) + (f" ({spec.label})" if spec.label else "")
            if spec.fn == "charge_time_to":
                name += f" to {100 * spec.args.get('fraction', 0.8):g}% SOC"
            rows.append({"name": name, "metric": spec.fn, "item": item.id, "test": item.test, "unit": unit,
                         "conditions": conditions, "baseline": _num(bv), "candidate": _num(cv),
                         "change": _num(cv - bv) if bv is not None and cv is not None and not (math.isinf(bv) or math.isinf(cv)) else None,
                         "change_pct": _num(pct), "verdict": verdict(spec.fn, pct), "key": spec.key,
                         "direction": DIRECTION[spec.fn]})
    return rows


def improvement_directions(ev: Evaluation) -> list[str]:
    """Plain statements from the sensitivity table, strongest effect first."""
    by_prop: dict[tuple, list] = {}
    for r in ev.sensitivity:
        if r["effect_pct"] is None or isinstance(r["effect_pct"], str):
            continue
        by_prop.setdefault((r["metric"], r["label"], r["item"]), []).append(r)
    lines = []
    for (metric, label, item), rows in by_prop.items():
        rows.sort(key=lambda r: -abs(r["effect_pct"]))
        title = METRIC_TITLES.get(metric, metric) + (f" ({label})" if label else "") + f" [{item}]"
        ups = [r for r in rows if r["step_pct"] > 0]
        if not ups:
            continue
        top = ups[0]
        text = f"{title}: raising {top['property']} by {top['step_pct']:g}% changes it by {top['effect_pct']:+.1f}% ({top['verdict']})"
        weak = [r for r in ups[1:] if abs(r["effect_pct"]) < 1.0]
        if weak:
            text += "; " + ", ".join(sorted({r['property'] for r in weak})) + " change it by less than 1%"
        lines.append(text)
    return lines


def results_document(ev: Evaluation) -> dict[str, Any]:
    import cellbench
    import pybamm

    rows = compared_metrics(ev)
    merits = [f"{r['name']} [{r['item']}]: {r['change_pct']:+.1f}%" for r in rows
              if r["verdict"] == "better" and isinstance(r["change_pct"], float)]
    demerits = [f"{r['name']} [{r['item']}]: {r['change_pct']:+.1f}%" for r in rows
                if r["verdict"] == "worse" and isinstance(r["change_pct"], float)]
    material = ev.candidate.material(ev.candidate.substitution.by)
    return {
        "schema": "cellbench.evaluation/1",
        "created": datetime.now(timezone.utc).isoformat(),
        "cell": {"id": ev.baseline.id, "version": ev.baseline.version, "name": ev.baseline.name},
        "material": {"id": material.id, "name": material.name, "role": ev.role},
        "substitution": ev.candidate.substitution.model_dump(),
        "suite": {"id": ev.suite.id, "version": ev.suite.version},
        "baseline_design": cell_summary(ev.baseline),
        "candidate_design": cell_summary(ev.candidate),
        "metrics": rows,
        "merits": merits,
        "demerits": demerits,
        "not_run": [{"item": i.id, "test": i.test, "conditions": i.conditions, "needs": i.needs}
                    for i in ev.suite.items if not i.runnable],
        "failures": ev.failures,
        "sensitivity": [{k: _num(v) if isinstance(v, float) else v for k, v in r.items()} for r in ev.sensitivity],
        "improvement_directions": improvement_directions(ev),
        "ageing": {variant: {item: {"rows": rec["rows"], "laws_version": rec.get("laws_version"), "note": rec.get("note")}
                             for item, rec in items.items()} for variant, items in ev.ageing.items()},
        "safety": ev.safety,
        "run": {"simulations": ev.simulations, "seconds": ev.seconds},
        "provenance": {"cellbench_version": cellbench.__version__, "pybamm_version": pybamm.__version__,
                       "baseline_design_hash": ev.baseline.content_hash(),
                       "candidate_design_hash": ev.candidate.content_hash(),
                       "material_source": material.sources},
    }


def write(ev: Evaluation, out_dir: str | Path) -> dict[str, Path]:
    """Write results.json, report.html and the baseline/candidate Measurements (Parquet) into out_dir."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    doc = results_document(ev)
    paths = {"results": out / "results.json", "report": out / "report.html"}
    for variant, items in ev.measurements.items():
        for item_id, m in items.items():
            m.to_parquet(out / "measurements" / variant / f"{item_id.replace('/', '_')}.parquet")
    tmp = paths["results"].with_suffix(".json.tmp")
    tmp.write_text(json.dumps(doc, indent=2, default=str, ensure_ascii=False))
    tmp.replace(paths["results"])
    tmp = paths["report"].with_suffix(".html.tmp")
    tmp.write_text(render_html(ev, doc), encoding="utf-8")
    tmp.replace(paths["report"])
    return paths


# -- HTML -------------------------------------------------------------------------------------------------

def _figures(ev: Evaluation, doc: dict) -> list[tuple[str, Any]]:
    import plotly.graph_objects as go

    colours = {"baseline": "#1f77b4", "candidate": "#d62728"}
    figs = []
    curves = go.Figure()
    for variant in ("baseline", "candidate"):
        for item_id, m in ev.measurements.get(variant, {}).items():
            if not item_id.startswith("capacity"):
                continue
            d = m.data
            dis = d.filter(d[S.CURRENT] < 0)
            if dis.is_empty():
                continue
            q = (dis[S.DISCHARGE_CAPACITY] - dis[S.DISCHARGE_CAPACITY][0]) * 1000
            step = max(1, dis.height // 200)
            curves.add_trace(go.Scatter(x=q.to_list()[::step], y=dis[S.VOLTAGE].to_list()[::step], mode="lines",
                                        name=f"{variant} {item_id}", line={"color": colours[variant]},
                                        legendgroup=variant, opacity=0.9))
    curves.update_layout(title="Discharge curves per rate and temperature", xaxis_title="capacity / mAh",
                         yaxis_title="voltage / V")
    figs.append(("discharge", curves))

    ragone = go.Figure()
    for variant in ("baseline", "candidate"):
        xs, ys, names = [], [], []
        for item_id, m in ev.measurements.get(variant, {}).items():
            if not item_id.startswith("capacity") or not item_id.endswith("25C"):
                continue
            d = m.data.filter(m.data[S.CURRENT] < 0)
            if d.height < 2:
                continue
            energy = float(d[S.DISCHARGE_ENERGY][-1] - d[S.DISCHARGE_ENERGY][0])
            seconds = float(d[S.TIME][-1] - d[S.TIME][0])
            volume_l = doc[f"{variant}_design"]["energy_Wh"] / doc[f"{variant}_design"]["wh_per_l_stack"]
            xs.append(energy / seconds * 3600 / volume_l)
            ys.append(energy / volume_l)
            names.append(item_id)
        ragone.add_trace(go.Scatter(x=xs, y=ys, text=names, mode="lines+markers", name=variant,
                                    line={"color": colours[variant]}))
    ragone.update_layout(title="Ragone plot (stack basis, 25 °C)", xaxis_title="power density / W/L",
                         yaxis_title="energy density / Wh/L", xaxis_type="log")
    figs.append(("ragone", ragone))

    pulse = go.Figure()
    for variant in ("baseline", "candidate"):
        pts = sorted((r["conditions"].get("soc_pct"), r[variant]) for r in doc["metrics"]
                     if r["metric"] == "pulse_resistance" and r["item"] == "power-25C" and r[variant] is not None)
        pulse.add_trace(go.Scatter(x=[p[0] for p in pts], y=[p[1] * 1000 for p in pts], mode="lines+markers",
                                   name=variant, line={"color": colours[variant]}))
    pulse.update_layout(title="10-s discharge pulse resistance against SOC (25 °C)", xaxis_title="SOC / %",
                        yaxis_title="resistance / mΩ")
    figs.append(("pulse", pulse))

    if ev.sensitivity:
        sens = go.Figure()
        for step in sorted({r["step_pct"] for r in ev.sensitivity}):
            rows = [r for r in ev.sensitivity if r["step_pct"] == step and isinstance(r["effect_pct"], float)]
            sens.add_trace(go.Bar(y=[f"{r['property']} → {METRIC_TITLES.get(r['metric'], r['metric'])} {r['label']}" for r in rows],
                                  x=[r["effect_pct"] for r in rows], orientation="h", name=f"{step:+g}%"))
        sens.update_layout(title="Sensitivity of the key metrics to the candidate's properties",
                           xaxis_title="change of the metric / %", barmode="group", height=300 + 30 * len(ev.sensitivity) // 2)
        figs.append(("sensitivity", sens))
    return figs


def render_html(ev: Evaluation, doc: dict) -> str:
    parts = []
    for i, (name, fig) in enumerate(_figures(ev, doc)):
        # the first figure carries plotly.js inline, so the file works offline and alone
        parts.append(f'<section id="fig-{name}">' + fig.to_html(full_html=False, include_plotlyjs=(i == 0)) + "</section>")
    esc = html.escape
    rows = []
    for r in doc["metrics"]:
        cls = {"better": "better", "worse": "worse"}.get(r["verdict"], "")
        fmt = lambda v: "—" if v is None else (v if isinstance(v, str) else f"{v:.4g}")
        cond = ", ".join(f"{k}={v}" for k, v in r["conditions"].items())
        rows.append(f"<tr class='{cls}'><td>{esc(r['name'])}</td><td>{esc(r['item'])}</td><td>{esc(cond)}</td>"
                    f"<td>{fmt(r['baseline'])}</td><td>{fmt(r['candidate'])}</td><td>{esc(r['unit'])}</td>"
                    f"<td>{fmt(r['change_pct'])}</td><td>{r['verdict']}</td></tr>")
    lists = lambda xs: "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in xs) + "</ul>" if xs else "<p>none</p>"
    not_run = "".join(f"<li>{esc(n['item'])} ({esc(n['test'])}): needs {esc(n['needs'])}; no number reported</li>" for n in doc["not_run"])
    failures = "".join(f"<li>{esc(f['variant'])} / {esc(f['item'])}: {esc(f['error'])}</li>" for f in doc["failures"])
    safety_html = safety_section_html(doc["safety"])
    prov = esc(json.dumps(doc["provenance"], indent=2, default=str, ensure_ascii=False))
    m = doc["material"]
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>cellbench evaluation: {esc(m['name'])} in {esc(doc['cell']['id'])}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; max-width: 1200px; }}
table {{ border-collapse: collapse; font-size: 0.9em; }} td, th {{ border: 1px solid #ccc; padding: 3px 6px; }}
tr.better td {{ background: #e3f5e1; }} tr.worse td {{ background: #fbe3e3; }}
pre {{ background: #f6f6f6; padding: 1em; overflow-x: auto; }}
</style></head><body>
<h1>Evaluation of {esc(m['name'])} ({esc(m['role'])}) in {esc(doc['cell']['name'])}</h1>
<p>Suite {esc(doc['suite']['id'])} v{esc(doc['suite']['version'])}; substitution: {esc(', '.join(doc['substitution']['replaced']))} →
{esc(doc['substitution']['by'])} (keep {esc(doc['substitution']['keep'])}); {doc['run']['simulations']} simulations in {doc['run']['seconds']:.1f} s.</p>
<h2 id="summary">Merits and demerits</h2>
<h3>Merits</h3>{lists(doc['merits'])}
<h3>Demerits</h3>{lists(doc['demerits'])}
<h2 id="directions">Direction of improvement</h2>{lists(doc['improvement_directions'])}
<h2 id="metrics">Metrics</h2>
<table><tr><th>metric</th><th>item</th><th>conditions</th><th>baseline</th><th>candidate</th><th>unit</th><th>change %</th><th>verdict</th></tr>
{''.join(rows)}</table>
<h2 id="figures">Figures</h2>
{''.join(parts)}
{safety_html}
<h2 id="not-run">Items not run</h2><ul>{not_run or '<li>none</li>'}</ul>
<h2 id="failures">Failures</h2><ul>{failures or '<li>none</li>'}</ul>
<h2 id="provenance">Provenance</h2><pre>{prov}</pre>
</body></html>"""
