"""The safety section of an evaluation report: judged records as rows (results.json) and an HTML table.

The evaluation report (``cellbench.evaluation.report``) includes this section when it is given safety records;
the section itself only needs verdicts and, for ARC, analysis results.

>>> from cellbench.safety import SafetyTestRecord, judge, load_catalogue
>>> v = judge(SafetyTestRecord(test="heating", sample="A1", observations={"fire": False, "explosion": False}),
...           load_catalogue())
>>> safety_rows([v])[0]["status"]
'pass'
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from cellbench.safety.arc import ArcResult
from cellbench.safety.records import Verdict


def safety_rows(verdicts: Sequence[Verdict]) -> list[dict]:
    """One JSON-ready row per judged record: test, version, sample, status, reasons, warnings."""
    return [{"test": v.test, "test_version": v.test_version, "sample": v.sample, "status": v.status,
             "reasons": list(v.reasons), "warnings": list(v.warnings)} for v in verdicts]


def safety_section(verdicts: Sequence[Verdict], arc_results: Sequence[ArcResult] = ()) -> dict:
    """The section as data: judged records and ARC figures."""
    return {"records": safety_rows(verdicts), "arc": [r.to_dict() for r in arc_results]}


def safety_section_html(verdicts: Sequence[Verdict], arc_results: Sequence[ArcResult] = ()) -> str:
    """An HTML fragment (two tables) to place inside a report page; text is escaped."""
    e = html.escape
    colour = {"pass": "#1a7f37", "fail": "#cf222e", "incomplete": "#9a6700"}
    rows = "".join(
        f"<tr><td>{e(v.test)} v{v.test_version}</td><td>{e(v.sample)}</td>"
        f"<td style='color:{colour[v.status]};font-weight:bold'>{v.status}</td>"
        f"<td>{e('; '.join(v.reasons + [f'warning: {w}' for w in v.warnings]))}</td></tr>" for v in verdicts)
    parts = ["<section class='safety'><h2>Safety tests</h2>"]
    if verdicts:
        parts.append("<table><thead><tr><th>test</th><th>sample</th><th>result</th><th>why</th></tr></thead>"
                     f"<tbody>{rows}</tbody></table>")
    if arc_results:
        def cell(x, f=".1f"):
            return "—" if x is None else format(x, f)
        arc_rows = "".join(
            f"<tr><td>{e(r.source)}</td><td>{cell(r.self_heating_onset_C)}</td><td>{cell(r.runaway_onset_C)}</td>"
            f"<td>{cell(r.max_temperature_C)}</td><td>{cell(r.max_self_heating_rate_C_per_min, '.3g')}</td></tr>"
            for r in arc_results)
        parts.append("<h3>Accelerating rate calorimetry</h3><table><thead><tr><th>run</th>"
                     "<th>self-heating onset (0.02 °C/min), °C</th><th>runaway onset (1 °C/min), °C</th>"
                     "<th>max temperature, °C</th><th>max self-heating rate, °C/min</th></tr></thead>"
                     f"<tbody>{arc_rows}</tbody></table>")
    parts.append("</section>")
    return "".join(parts)
