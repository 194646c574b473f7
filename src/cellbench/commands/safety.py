"""`cellbench arc ...` and `cellbench safety ...`: ARC analysis, safety test definitions, records, heating model."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cellbench.errors import InputError

# cellbench.safety (SciPy's integrators) is imported inside each command, not for `cellbench --help`


def register(app: typer.Typer) -> None:
    from cellbench.terminal import console, print_json

    safety_app = typer.Typer(help="Safety tests (IEC 62660-2/-3, Ni-nail, user tests), records and heating model.",
                             no_args_is_help=True)
    app.add_typer(safety_app, name="safety")

    @app.command("arc")
    def arc(files: list[Path] = typer.Argument(..., help="ARC exports (CSV: time, temperature, optional pressure/mode)"),
            json: bool = typer.Option(False, "--json", help="machine-readable output"),
            plot: Path = typer.Option(None, "--plot", help="write a comparison plot (HTML) here"),
            time_unit: str = typer.Option(None, "--time-unit", help="s, min or h if the header does not say"),
            wait_min: float = typer.Option(10.0, "--wait-min", help="wait after each heat step, excluded (min)")) -> None:
        """Self-heating onset (0.02 °C/min), runaway onset (1 °C/min), max temperature and rate of ARC runs."""
        from cellbench import safety

        results = [safety.analyse_arc(safety.read_arc_csv(f, time_unit=time_unit), wait_min=wait_min) for f in files]
        if plot:
            from cellbench.safety.arc_plot import write_comparison_html

            write_comparison_html(results, plot)
        if json:
            print_json([r.to_dict() for r in results])
            return
        table = Table(title="ARC (heat-wait-search)")
        for col in ("file", "self-heating onset °C", "detected °C", "runaway onset °C", "max T °C",
                    "max rate °C/min"):
            table.add_column(col, justify="left" if col == "file" else "right")
        fmt = lambda x, f=".1f": "—" if x is None else format(x, f)  # noqa: E731
        for r in results:
            table.add_row(Path(r.source).name, fmt(r.self_heating_onset_C), fmt(r.self_heating_detected_C),
                          fmt(r.runaway_onset_C), fmt(r.max_temperature_C), fmt(r.max_self_heating_rate_C_per_min, ".3g"))
        console.print(table)
        if plot:
            console.print(f"plot: {plot}")

    definitions_option = typer.Option(None, "--definitions", "-d",
                                      help="extra definition files or folders (repeatable)")

    @safety_app.command("tests")
    def tests(json: bool = typer.Option(False, "--json"), definitions: list[Path] = definitions_option,
              cell: str = typer.Option(None, "--cell", help="only tests that apply to: liquid | all_solid_state")) -> None:
        """The safety test catalogue: conditions, pass criteria, and which cells each applies to."""
        from cellbench import safety

        catalogue = safety.load_catalogue(definitions or [])
        if cell not in (None, "liquid", "all_solid_state"):
            raise InputError(f"--cell must be liquid or all_solid_state, got '{cell}'")
        chosen = catalogue.applicable(cell) if cell else catalogue.latest()
        if json:
            print_json([d.model_dump() for d in chosen])
            return
        table = Table(title="Safety tests")
        for col in ("id", "v", "standard", "conditions", "pass if", "liquid", "ASSB"):
            table.add_column(col)
        for d in chosen:
            conditions = ", ".join(f"{k}={v}" for k, v in d.conditions.items())
            criteria = " OR ".join("; ".join(c.describe() for c in p.all_of) for p in d.pass_criteria)
            marks = []
            for kind in ("liquid", "all_solid_state"):
                a = getattr(d.applicability, kind)
                marks.append("yes" if a.applies else f"no → {a.replaced_by}" if a.replaced_by else "no")
            table.add_row(d.id, str(d.version), d.standard, conditions, criteria, *marks)
        console.print(table)

    @safety_app.command("show")
    def show(test_id: str = typer.Argument(..., help="test id, e.g. ni_nail"),
             version: int = typer.Option(None, "--version", help="a particular version (newest if omitted)"),
             json: bool = typer.Option(False, "--json"), definitions: list[Path] = definitions_option) -> None:
        """One test definition in full: conditions, each pass criterion, applicability and source."""
        from cellbench import safety

        catalogue = safety.load_catalogue(definitions or [])
        d = catalogue.get(test_id, version)
        if json:
            print_json(d.model_dump() | {"file": catalogue.origin(d.id, d.version)})
            return
        console.print(f"[bold]{d.name}[/]  ({d.id} v{d.version}, {d.standard})")
        if d.description:
            console.print(d.description, highlight=False, markup=False)
        for key, value in d.conditions.items():
            console.print(f"  {key}: {value}", highlight=False, markup=False)
        console.print("passes if any of:")
        for criterion in d.pass_criteria:
            console.print(f"  - {criterion.name}: " + "; ".join(c.describe() for c in criterion.all_of),
                          highlight=False, markup=False)
        for kind in ("liquid", "all_solid_state"):
            a = getattr(d.applicability, kind)
            extra = "".join(f" ({x})" for x in (a.note, a.replaced_by and f"use {a.replaced_by}") if x)
            console.print(f"{kind}: {'applies' if a.applies else 'does not apply'}{extra}", highlight=False,
                          markup=False)
        console.print(f"source: {d.source}", highlight=False, markup=False)

    @safety_app.command("judge")
    def judge(records: list[Path] = typer.Argument(..., help="safety test record YAML files"),
              json: bool = typer.Option(False, "--json"), definitions: list[Path] = definitions_option) -> None:
        """Judge records against their test definitions: pass, fail or incomplete, with reasons."""
        from cellbench import safety

        catalogue = safety.load_catalogue(definitions or [])
        verdicts = []
        for path in records:
            record = safety.load_record(path)
            verdict = safety.judge(record, catalogue)
            # Traces are files beside the record; say so when one is not there (the judgement does not need it).
            missing = [t.path for t in record.traces if not (path.parent / t.path).exists()]
            if missing:
                verdict.warnings.append(f"trace files not found next to the record: {', '.join(missing)}")
            verdicts.append(verdict)
        if json:
            print_json([v.model_dump() | {"record": str(p)} for v, p in zip(verdicts, records)])
        else:
            for v, p in zip(verdicts, records):
                colour = {"pass": "green", "fail": "red", "incomplete": "yellow"}[v.status]
                console.print(f"[bold {colour}]{v.status.upper()}[/] {v.test} v{v.test_version} · {v.sample} ({p})")
                for reason in v.reasons:
                    console.print(f"  {reason}", highlight=False, markup=False)
                for warning in v.warnings:
                    console.print(f"  warning: {warning}", highlight=False, markup=False)
        if any(v.status != "pass" for v in verdicts):
            raise typer.Exit(1)

    @safety_app.command("store")
    def store_cmd(records: list[Path] = typer.Argument(..., help="safety test record YAML files"),
                  organisation: str = typer.Option(None, "--organisation", help="owner (default: local)"),
                  tier: str = typer.Option("private", "--tier", help="private or public (share with named "
                                           "organisations or a consortium in the web app or API)"),
                  sample_id: int = typer.Option(None, "--sample-id", min=1,
                                                help="link to a platform sample (its evaluation reports list it)"),
                  json: bool = typer.Option(False, "--json"), definitions: list[Path] = definitions_option) -> None:
        """Judge records and keep them in the store ($CELLBENCH_DATABASE_URL); storing one again is a no-op."""
        from cellbench import safety

        from cellbench.store.records.safety import store_record
        from cellbench.store import Store

        if tier not in ("private", "public"):
            raise InputError(f"--tier must be private or public here, got '{tier}' (named and consortium need "
                             "grants: set them in the web app or with PUT /api/v1/safety-records/ID/access)")
        catalogue = safety.load_catalogue(definitions or [])
        # read and judge every file before storing any, so one bad file stores nothing
        prepared = []
        for path in records:
            record = safety.load_record(path)
            arc = safety.arc_from_traces(record, path.parent)
            prepared.append((path, record, None if arc is None else arc.to_dict() | {"file": Path(arc.source).name}))
        results = []
        with Store.open() as store, store.session() as db:
            owner = store.organisation_id(db, organisation)
            for path, record, arc in prepared:
                row, created = store_record(db, record, owner_organisation_id=owner, catalogue=catalogue, arc=arc,
                                            sample_id=sample_id, access_tier=tier)
                results.append({"record": str(path), "id": row.id, "test": row.test, "test_version": row.test_version,
                                "sample": row.sample_label, "status": row.status, "created": created,
                                "access_tier": row.access_tier})
            db.commit()  # all records or none
        if json:
            print_json(results)
            return
        for r in results:
            state = "stored" if r["created"] else "already stored"
            console.print(f"{state}: safety record {r['id']} · {r['test']} v{r['test_version']} · {r['sample']} · "
                          f"{r['status']} ({r['record']})", highlight=False, markup=False)

    @safety_app.command("records")
    def records_cmd(sample: str = typer.Option(None, "--sample", help="only this cell or sample identifier"),
                    status: str = typer.Option(None, "--status", help="pass, fail or incomplete"),
                    json: bool = typer.Option(False, "--json")) -> None:
        """Safety records kept in the store, newest first (every organisation's: this is the store's own view)."""
        from sqlalchemy import select

        from cellbench.store import Store
        from cellbench.store.models import Organisation
        from cellbench.store.platform import SafetyRecordRow

        if status not in (None, "pass", "fail", "incomplete"):
            raise InputError(f"--status must be pass, fail or incomplete, got '{status}'")
        query = (select(SafetyRecordRow, Organisation.name)
                 .join(Organisation, Organisation.id == SafetyRecordRow.owner_organisation_id)
                 .order_by(SafetyRecordRow.id.desc()))
        if sample:
            query = query.where(SafetyRecordRow.sample_label == sample)
        if status:
            query = query.where(SafetyRecordRow.status == status)
        with Store.open() as store, store.session() as db:
            rows = [{"id": r.id, "test": r.test, "test_version": r.test_version, "sample": r.sample_label,
                     "status": r.status, "organisation": org, "access_tier": r.access_tier,
                     "has_arc": r.arc_json is not None, "created_at": r.created_at.isoformat()}
                    for r, org in db.execute(query)]
        if json:
            print_json(rows)
            return
        table = Table(title="Stored safety records")
        for col in ("id", "test", "sample", "result", "organisation", "tier", "ARC"):
            table.add_column(col)
        for r in rows:
            table.add_row(str(r["id"]), f"{r['test']} v{r['test_version']}", r["sample"], r["status"],
                          r["organisation"], r["access_tier"], "yes" if r["has_arc"] else "")
        console.print(table)

    @safety_app.command("heat")
    def heat(chemistry: str = typer.Option("liquid_lco_graphite", "--chemistry",
                                           help="reaction set: a built-in id (an unknown id lists them) or a YAML path"),
             mode: str = typer.Option("oven", "--mode", help="oven (IEC heating test) or arc (heat-wait-search)"),
             oven_C: float = typer.Option(130.0, "--oven-C", help="oven temperature (°C)"),
             hold_min: float = typer.Option(30.0, "--hold-min"),
             mass_g: float = typer.Option(None, "--mass-g", help="cell mass (g); default an 18650, 44 g"),
             cp: float = typer.Option(1000.0, "--cp", help="cell heat capacity, J/(kg K)"),
             area_cm2: float = typer.Option(None, "--area-cm2", help="cell outer surface (cm²)"),
             cell: str = typer.Option(None, "--cell", help="take mass from a cellbench cell design (id or YAML)"),
             critical: bool = typer.Option(False, "--critical", help="also search the lowest runaway oven temperature"),
             out: Path = typer.Option(None, "--out", help="write the simulated trace (CSV; the ARC log in arc mode)"),
             start_C: float = typer.Option(40.0, "--start-C", help="arc mode: first heat-wait-search temperature"),
             json: bool = typer.Option(False, "--json")) -> None:
        """Simulate the heating test (does the cell run away in the oven?) or an ARC run, with the lumped model."""
        from cellbench import safety

        chem = safety.load_chemistry(chemistry)
        if mode == "arc":
            run = safety.simulate_heat_wait_search(chem, cp_J_per_kgK=cp, start_C=start_C)
            result = safety.analyse_arc(safety.trace_from_columns(run.trace["time_s"], run.trace["temperature_C"],
                                                                  mode=run.trace["mode"], source=chem.id))
            summary = result.to_dict() | {"chemistry": chem.id,
                                          "model_self_heating_onset_C": round(run.true_self_heating_onset_C, 2)
                                          if run.true_self_heating_onset_C is not None else None,
                                          "model_runaway_onset_C": round(run.true_runaway_onset_C, 2)
                                          if run.true_runaway_onset_C is not None else None}
            if out:
                run.to_csv(out)
        elif mode == "oven":
            overrides = {k: v for k, v in (("mass_g", mass_g), ("surface_area_cm2", area_cm2)) if v is not None}
            if cell:
                from cellbench import cells

                thermal = safety.ThermalCell.from_design(cells.load(cell), cp_J_per_kgK=cp, **overrides)
            else:
                thermal = safety.ThermalCell(cp_J_per_kgK=cp, **overrides)
            result = safety.simulate_oven(chem, thermal, oven_C=oven_C, hold_min=hold_min)
            summary = result.summary() | {"cell": thermal.model_dump()}
            if critical:
                summary["critical_oven_C"] = safety.critical_oven_temperature_C(chem, thermal, hold_min=hold_min)
            if out:
                result.trace.write_csv(out)
        else:
            raise InputError(f"--mode must be oven or arc, got '{mode}'")
        if json:
            print_json(summary)
            return
        for key, value in summary.items():
            console.print(f"{key}: {value}", highlight=False, markup=False)
