"""results.json and a self-contained report.html for an evaluation (schema: docs/evaluation.md)."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cellbench.evaluation.result import METRIC_TITLES, build_result
from cellbench.measurements import schema as S
from cellbench.safety.report import safety_section_html

if TYPE_CHECKING:  # annotations only: Evaluation.plot() calls into this module
    from cellbench.evaluation.run import Evaluation


def results_document(ev: Evaluation) -> dict[str, Any]:
    """The content of results.json: the typed result (:class:`~cellbench.evaluation.result.EvaluationResult`)
    as JSON-ready data."""
    return build_result(ev).to_json_dict()


def write(ev: Evaluation, out_dir: str | Path, doc: dict[str, Any] | None = None) -> dict[str, Path]:
    """Write results.json, report.html and the baseline/candidate Measurements (Parquet) into out_dir. `doc` is
    the evaluation's :func:`results_document` when the caller already has it (it is built once, so the file and
    what the caller shows are the same document)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    doc = doc if doc is not None else results_document(ev)
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
            rows = [r for r in ev.sensitivity if r["step_pct"] == step and r.get("key")
                    and isinstance(r["effect_pct"], float)]
            sens.add_trace(go.Bar(y=[f"{r['property']} → {METRIC_TITLES.get(r['metric'], r['metric'])} {r['label']}" for r in rows],
                                  x=[r["effect_pct"] for r in rows], orientation="h", name=f"{step:+g}%"))
        sens.update_layout(title="Sensitivity of the key metrics to the candidate's properties",
                           xaxis_title="change of the metric / %", barmode="group", height=300 + 30 * len(ev.sensitivity) // 2)
        figs.append(("sensitivity", sens))
    return figs


def _targets_html(checks: list[dict]) -> str:
    """The candidate against the programme targets: assessed ones in a table, the others counted."""
    esc = html.escape
    assessed = [c for c in checks if c["status"] != "not assessed"]
    rows = "".join(
        f"<tr class='{'better' if c['status'] == 'met' else 'worse'}'><td>{esc(c['set'])}</td><td>{esc(c['target'])}"
        f"</td><td>{esc(c['statement'])}</td><td>{esc(c['comparison'])} {c['threshold']:g} {esc(c['unit'])}"
        f"{' (' + str(c['year']) + ')' if c['year'] else ''}</td>"
        f"<td>{'—' if c['value'] is None else format(c['value'], '.4g')}</td><td>{esc(c['status'])}</td>"
        f"<td>{'—' if c['margin'] is None else format(c['margin'], '+.4g') + ' ' + esc(c['unit'])}</td>"
        f"<td>{esc(c['source'])}</td></tr>" for c in assessed)
    table = ("<table><tr><th>set</th><th>target</th><th>statement</th><th>threshold</th><th>candidate</th>"
             f"<th>status</th><th>margin</th><th>source</th></tr>{rows}</table>") if assessed else "<p>none assessed</p>"
    rest = len(checks) - len(assessed)
    return table + (f"<p>{rest} further material and cell targets need figures this evaluation does not produce "
                    "(see results.json, <code>targets</code>).</p>" if rest else "")


def render_html(ev: Evaluation, doc: dict) -> str:
    parts = []
    for i, (name, fig) in enumerate(_figures(ev, doc)):
        # the first figure carries plotly.js inline, so the file works offline and alone
        parts.append(f'<section id="fig-{name}">' + fig.to_html(full_html=False, include_plotlyjs=(i == 0)) + "</section>")
    esc = html.escape
    rows = []
    fmt = lambda v: "—" if v is None else (esc(v) if isinstance(v, str) else f"{v:.4g}")
    for r in doc["metrics"]:
        cls = {"better": "better", "worse": "worse"}.get(r["verdict"], "")
        cond = ", ".join(f"{k}={v}" for k, v in r["conditions"].items())
        band = f"±{r['band']['total_pct']:.2g}" if r.get("band") else "—"
        title = esc(r["note"]) if r.get("note") else ""
        rows.append(f"<tr class='{cls}' title='{title}'><td>{esc(r['name'])}</td><td>{esc(r['item'])}</td>"
                    f"<td>{esc(cond)}</td><td>{fmt(r['baseline'])}</td><td>{fmt(r['candidate'])}</td>"
                    f"<td>{esc(r['unit'])}</td><td>{fmt(r['change_pct'])}</td><td>{band}</td>"
                    f"<td>{esc(r['verdict'])}</td><td>{esc(r['effect'])}</td></tr>")
    lists = lambda xs: "<ul>" + "".join(f"<li>{esc(x)}</li>" for x in xs) + "</ul>" if xs else "<p>none</p>"
    not_run = "".join(f"<li>{esc(n['item'])} ({esc(n['test'])}): needs {esc(n['needs'])}; no number reported</li>" for n in doc["not_run"])
    failures = "".join(f"<li>{esc(f['variant'])} / {esc(f['item'])}: {esc(f['error'])}</li>" for f in doc["failures"])
    not_assessed = "".join(f"<li>{esc(n['variant'])} / {esc(n['item'])}: {esc(n['reason'])}</li>"
                           for n in doc["not_assessed"])
    cal = doc.get("calibration")
    calibration = ("<p>none: both variants use the materials' own parameters</p>" if not cal else
                   f"<p>{esc(cal['cell'])}'s calibration applied to baseline and candidate "
                   f"({esc(', '.join(f'{k}={v:g}' for k, v in cal['overrides'].items()))}). "
                   f"{'<b>In question for this material:</b> ' if cal['questionable'] else ''}{esc(cal['note'])}</p>")
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
{esc(doc['substitution']['by'])} (keep {esc(doc['substitution']['keep'])}, {esc(doc['substitution'].get('basis', 'volume'))} basis); {doc['run']['simulations']} simulations in {doc['run']['seconds']:.1f} s.</p>
<h2 id="summary">Merits and demerits of the material</h2>
<p>A verdict is "better" or "worse" only when the change exceeds the metric's band (solver tolerance, measured, and
the candidate's stated ranges through the sensitivities); inside it, "same".</p>
<h3>Merits</h3>{lists(doc['merits'])}
<h3>Demerits</h3>{lists(doc['demerits'])}
<h3 id="design-effects">Design effects (not material merits)</h3>
<p>Substitution on the {esc(doc['substitution'].get('basis', 'volume'))} basis; these follow from densities and
volumes, not from the material's performance.</p>{lists(doc['design_effects'])}
<h3 id="not-assessed">Not assessed for this material</h3><ul>{not_assessed or '<li>none</li>'}</ul>
<h2 id="calibration">Calibration</h2>{calibration}
<h2 id="directions">Direction of improvement</h2>{lists(doc['improvement_directions'])}
<h2 id="targets">Programme targets (candidate)</h2>{_targets_html(doc.get('target_checks', []))}
<h2 id="metrics">Metrics</h2>
<table><tr><th>metric</th><th>item</th><th>conditions</th><th>baseline</th><th>candidate</th><th>unit</th><th>change %</th><th>band %</th><th>verdict</th><th>effect</th></tr>
{''.join(rows)}</table>
<h2 id="figures">Figures</h2>
{''.join(parts)}
{safety_html}
<h2 id="not-run">Items not run</h2><ul>{not_run or '<li>none</li>'}</ul>
<h2 id="failures">Failures</h2><ul>{failures or '<li>none</li>'}</ul>
<h2 id="provenance">Provenance</h2><pre>{prov}</pre>
</body></html>"""
