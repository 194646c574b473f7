"""The safety section of an evaluation report: judged records as rows (results.json) and an HTML table.

The evaluation report (``cellbench.evaluation.report``) includes this section when it is given safety records;
the section itself only needs verdicts and, for ARC, analysis results; the HTML is drawn from the section's data, so
records read back from the store (``cellbench.store.records.safety``) render the same way.

>>> from cellbench.safety import SafetyTestRecord, judge, load_catalogue
>>> v = judge(SafetyTestRecord(test="heating", sample="A1", observations={"fire": False, "explosion": False}),
...           load_catalogue())
>>> safety_rows([v])[0]["status"]
'pass'
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from pathlib import Path

from cellbench.safety.arc import ArcResult
from cellbench.safety.definitions import SafetyCatalogue, load_catalogue
from cellbench.safety.records import Verdict, arc_from_traces, judge, load_record


def safety_rows(verdicts: Sequence[Verdict]) -> list[dict]:
    """One JSON-ready row per judged record: test, version, sample, status, reasons, warnings."""
    return [{"test": v.test, "test_version": v.test_version, "sample": v.sample, "status": v.status,
             "reasons": list(v.reasons), "warnings": list(v.warnings)} for v in verdicts]


def safety_section(verdicts: Sequence[Verdict], arc_results: Sequence[ArcResult] = ()) -> dict:
    """The section as data: judged records and ARC figures."""
    return {"records": safety_rows(verdicts), "arc": [r.to_dict() for r in arc_results]}


def section_from_record_files(paths: Sequence[str | Path], catalogue: SafetyCatalogue | None = None) -> dict:
    """The section for record YAML files: each judged, and ARC traces beside them (``quantity: arc``) analysed."""
    catalogue = catalogue or load_catalogue()
    verdicts, arc_results = [], []
    for path in paths:
        record = load_record(path)
        verdicts.append(judge(record, catalogue))
        arc = arc_from_traces(record, Path(path).parent)
        if arc is not None:
            arc_results.append(arc)
    return safety_section(verdicts, arc_results)


def safety_section_html(section: dict) -> str:
    """An HTML fragment (two tables) to place inside a report page, from :func:`safety_section`'s data (or
    :func:`cellbench.store.records.safety.section_from_rows`'); text is escaped."""
    e = html.escape
    colour = {"pass": "#1a7f37", "fail": "#cf222e", "incomplete": "#9a6700"}
    records, arc_results = section.get("records", []), section.get("arc", [])
    rows = "".join(
        f"<tr><td>{e(r['test'])} v{r['test_version']}</td><td>{e(r['sample'])}</td>"
        f"<td style='color:{colour[r['status']]};font-weight:bold'>{r['status']}</td>"
        f"<td>{e('; '.join(list(r['reasons']) + [f'warning: {w}' for w in r['warnings']]))}</td></tr>"
        for r in records)
    parts = ["<section class='safety' id='safety'><h2>Safety tests</h2>"]
    if records:
        parts.append("<table><thead><tr><th>test</th><th>sample</th><th>result</th><th>why</th></tr></thead>"
                     f"<tbody>{rows}</tbody></table>")
    else:
        parts.append("<p>No safety test records.</p>")
    if arc_results:
        def cell(x, f=".1f"):
            return "—" if x is None else format(x, f)
        arc_rows = "".join(
            f"<tr><td>{e(str(r['file']))}</td><td>{cell(r['self_heating_onset_C'])}</td><td>{cell(r['runaway_onset_C'])}</td>"
            f"<td>{cell(r['max_temperature_C'])}</td><td>{cell(r['max_self_heating_rate_C_per_min'], '.3g')}</td></tr>"
            for r in arc_results)
        parts.append("<h3>Accelerating rate calorimetry</h3><table><thead><tr><th>run</th>"
                     "<th>self-heating onset (0.02 °C/min), °C</th><th>runaway onset (1 °C/min), °C</th>"
                     "<th>max temperature, °C</th><th>max self-heating rate, °C/min</th></tr></thead>"
                     f"<tbody>{arc_rows}</tbody></table>")
    parts.append("</section>")
    return "".join(parts)
