"""`cellbench campaign run|resume|show`: optimisation campaigns (thin layer over cellbench.campaigns)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table


def _fmt(value) -> str:
    return "-" if value is None else value if isinstance(value, str) else f"{value:.4g}"


def register(app: typer.Typer) -> None:
    from cellbench.terminal import console, print_json

    campaign = typer.Typer(help="Optimisation campaigns over designs and materials (Optuna + Dask).", no_args_is_help=True)
    app.add_typer(campaign, name="campaign")

    def progress(json: bool, bar=None, total: int | None = None):
        if json:
            return None
        task = bar.add_task("trials", total=total) if bar is not None else None

        def report(number: int, result: dict) -> None:
            values = ", ".join(f"{k}={v:.4g}" for k, v in result.get("values", {}).items())
            extra = f" ({result['error']})" if result.get("error") else ""
            console.print(f"trial {number}: {result['status']} {values}{extra}", highlight=False)
            if task is not None:
                bar.advance(task)
        return report

    def trials_bar(json: bool):
        """Trials done (of this run's total, when known) with the time left, on a terminal; not with --json."""
        from cellbench.terminal import progress as progress_bar

        return progress_bar(console, "trials", disable=json)

    def finish(summary, json: bool, plot: Path | None, export: Path | None) -> None:
        from cellbench import campaigns
        from cellbench.store import campaigns as stored

        data = stored.show(summary.campaign_id)
        if plot is not None:
            campaigns.plot_front(data, plot)
        exported = []
        if export is not None:
            study, spec = stored.open_study(summary.campaign_id)
            exported = [str(p) for p in campaigns.export_designs(study, spec, export)]
        run = {"ran_now": summary.ran_now, "wall_time_s": summary.wall_time_s,
               "evaluations_per_s": summary.evaluations_per_s, "workers": summary.workers,
               "recovered_interrupted_trials": summary.recovered}
        if json:
            print_json({**{k: v for k, v in data.items() if k != "trials"}, "run": run, "exported": exported,
                        "plot": str(plot) if plot else None})
            return
        console.print(f"campaign {data['campaign_id']}: {data['finished']}/{data['budget']} evaluations "
                      f"({', '.join(f'{k} {v}' for k, v in data['by_status'].items())}); this run {summary.ran_now} "
                      f"in {summary.wall_time_s:.1f} s")
        if summary.recovered:
            console.print(f"re-queued trials interrupted by a previous kill: {summary.recovered}")
        print_front(data)
        for path in exported:
            console.print(f"wrote {path}")
        if plot is not None:
            console.print(f"wrote {plot}")

    def print_front(data: dict) -> None:
        metrics = [o["metric"] for o in data["objectives"]]
        params = list(data["spec"]["parameters"])
        table = Table(title=f"Pareto front (feasible) of {data['campaign_id']}")
        table.add_column("trial", justify="right")
        for name in metrics + params:
            table.add_column(name, justify="right")
        for r in data["pareto_front"]:
            table.add_row(str(r["number"]), *[f"{r['values'][m]:.4g}" for m in metrics],
                          *[_fmt(r['params'].get(p)) for p in params])
        console.print(table)

    def lab_round(study, spec, json: bool, wait: bool, poll: float, designs: Path | None) -> None:
        from cellbench.store.campaigns import run_lab

        outcome = run_lab(study, spec, wait=wait, poll_s=poll, design_folder=designs)
        if json:
            print_json(outcome)
            return
        for c in outcome["collected"]:
            console.print(f"collected {c['sample_id']} (test {c['test_id']}): {c['status']}")
        for p in outcome["proposed"]:
            console.print(f"proposed {p['sample_id']}: " + ", ".join(f"{k}={_fmt(v)}" for k, v in p["params"].items())
                          + (f" -> {p['design_file']}" if p.get("design_file") else ""))
        console.print(f"campaign {outcome['campaign_id']}: {outcome['finished']}/{outcome['budget']} finished, "
                      f"{len(outcome['waiting'])} waiting for the lab (ingest each result with its sample id as the "
                      "cell id, then 'cellbench campaign resume')")

    @campaign.command("run")
    def run_command(
        file: Path = typer.Argument(..., help="campaign YAML (examples/campaigns/)"),
        budget: int = typer.Option(None, "--budget", help="evaluations to run (default: the file's budget)"),
        workers: int = typer.Option(1, "--workers", help="LocalCluster worker processes (0: in this process)"),
        scheduler: str = typer.Option(None, "--scheduler", help="address of a running Dask scheduler, tcp://host:8786"),
        plot: Path = typer.Option(None, "--plot", help="write the front as an HTML plot"),
        export: Path = typer.Option(None, "--export", help="write the front's designs as cell YAML into this folder"),
        wait: bool = typer.Option(False, "--wait", help="lab mode: keep polling the store until the budget is met"),
        poll: float = typer.Option(30.0, "--poll", help="lab mode: seconds between store polls"),
        json: bool = typer.Option(False, "--json", help="print the summary as JSON"),
    ) -> None:
        """Start a campaign and run it to its budget (lab campaigns propose their first batch)."""
        from cellbench import campaigns
        from cellbench.store.campaigns import new_study, run_campaign

        spec = campaigns.load_campaign(file)
        if spec.lab is not None:
            if budget:
                spec = spec.model_copy(update={"budget": budget})
            lab_round(new_study(spec), spec, json, wait, poll, export)
            return
        with trials_bar(json) as bar:
            summary = run_campaign(
                spec, budget=budget, workers=workers, scheduler=scheduler,
                on_result=progress(json, bar, budget or spec.budget),
                on_start=None if json else (lambda cid: console.print(f"campaign {cid} started")))
        finish(summary, json, plot, export)

    @campaign.command("resume")
    def resume_command(
        campaign_id: str = typer.Argument(None, help="campaign id (see 'campaign show')"),
        latest: bool = typer.Option(False, "--latest", help="the newest campaign"),
        budget: int = typer.Option(None, "--budget", help="raise the budget"),
        workers: int = typer.Option(1, "--workers"),
        scheduler: str = typer.Option(None, "--scheduler"),
        plot: Path = typer.Option(None, "--plot"),
        export: Path = typer.Option(None, "--export"),
        wait: bool = typer.Option(False, "--wait"),
        poll: float = typer.Option(30.0, "--poll"),
        json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Continue a campaign after a kill (re-queues interrupted trials) or collect lab results and propose more."""
        from cellbench.errors import InputError
        from cellbench.store.campaigns import open_study, resume_campaign

        if campaign_id is None and not latest:
            raise InputError("give a campaign id or --latest")
        study, spec = open_study(None if latest else campaign_id)
        if spec.lab is not None:
            lab_round(study, spec, json, wait, poll, export)
            return
        with trials_bar(json) as bar:  # the trials left are known only to the study: a count without a total
            summary = resume_campaign(study.study_name, budget=budget, workers=workers, scheduler=scheduler,
                                      on_result=progress(json, bar))
        finish(summary, json, plot, export)

    @campaign.command("show")
    def show_command(
        campaign_id: str = typer.Argument(None, help="campaign id; the newest if omitted"),
        plot: Path = typer.Option(None, "--plot", help="write the front as an HTML plot"),
        export: Path = typer.Option(None, "--export", help="write the front's designs as cell YAML into this folder"),
        trials: bool = typer.Option(False, "--trials", help="JSON: include every trial with its provenance"),
        json: bool = typer.Option(False, "--json"),
    ) -> None:
        """A campaign's status, its feasible Pareto front and what limits it."""
        from cellbench import campaigns
        from cellbench.store.campaigns import open_study

        study, spec = open_study(campaign_id)
        data = campaigns.summary(study, spec)
        data["limiting_parameters"] = campaigns.limiting_parameters(data["pareto_front"], spec)
        if plot is not None:
            campaigns.plot_front(data, plot)
        exported = [str(p) for p in campaigns.export_designs(study, spec, export)] if export is not None else []
        if json:
            print_json({**({k: v for k, v in data.items() if k != "trials"} if not trials else data),
                        "exported": exported})
            return
        console.print(f"campaign {data['campaign_id']} ({spec.base_cell}): {data['finished']}/{data['budget']} "
                      f"evaluations ({', '.join(f'{k} {v}' for k, v in data['by_status'].items())})")
        print_front(data)
        for name, why in data["limiting_parameters"].items():
            console.print(f"limit: {name} {why}")
        for path in exported:
            console.print(f"wrote {path}")
