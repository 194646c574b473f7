"""`cellbench ingest`, `cellbench watch` and `cellbench tests list|show|flag|failures`: thin calls into cellbench.store."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer
from rich.table import Table

from cellbench.errors import BAD_INPUT, InputError

if TYPE_CHECKING:
    from cellbench.store import IngestResult

# cellbench.store (SQLAlchemy, Alembic, Polars) is imported inside each command: `cellbench --help` must not load it


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("watch")(watch)
    tests_app = typer.Typer(help="Stored tests: list, show, flag as failed or negative, see failed ingests.",
                            no_args_is_help=True)
    tests_app.command("list")(tests_list)
    tests_app.command("show")(tests_show)
    tests_app.command("flag")(tests_flag)
    tests_app.command("failures")(tests_failures)
    app.add_typer(tests_app, name="tests")


def _outcome(failed: str | None, negative: str | None) -> tuple[str | None, str | None]:
    if failed is not None and negative is not None:
        raise InputError("give either --failed or --negative, not both")
    if failed is not None:
        return "failed", failed
    if negative is not None:
        return "negative", negative
    return None, None


def _files(paths: list[Path]) -> list[Path]:
    """Files as given; folders expanded to the exports inside them (as `watch` would pick them)."""
    from cellbench.store.sources import is_candidate_export

    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and is_candidate_export(p, path))
        else:
            files.append(path)
    return files


def ingest(paths: list[Path] = typer.Argument(..., help="Cycler files or folders of them."),
           failed: Optional[str] = typer.Option(None, "--failed", metavar="REASON",
                                                help="Keep as a failed experiment, with the reason."),
           negative: Optional[str] = typer.Option(None, "--negative", metavar="REASON",
                                                  help="Keep as a negative result, with what it showed."),
           organisation: Optional[str] = typer.Option(None, "--organisation", help="Owner (default: local)."),
           format: Optional[str] = typer.Option(None, "--format", help="Skip detection: a reader name."),  # noqa: A002
           column_map: Optional[Path] = typer.Option(None, "--column-map", help="YAML column map (generic CSV)."),
           as_json: bool = typer.Option(False, "--json", help="Print machine-readable results.")) -> None:
    """Store cycler files: metadata in the database, time series as content-addressed Parquet.

    Re-ingesting a file reports "already stored". Unreadable files are recorded as ingest failures
    (see `cellbench tests failures`) and make the command exit with code 1 (bad input).
    """
    from cellbench.terminal import console, print_json
    from cellbench.store import Store

    from cellbench.terminal import progress

    outcome, reason = _outcome(failed, negative)
    results: list[IngestResult] = []
    files = _files(paths)
    with Store.open() as store, progress(console, "files", disable=as_json or len(files) < 2) as bar:
        task = bar.add_task("ingest", total=len(files))
        for path in files:
            result = store.ingest(path, outcome=outcome, reason=reason, organisation=organisation, format=format,
                                  column_map=column_map)
            results.append(result)
            bar.advance(task)
            if not as_json:
                console.print(result.line(), highlight=False, markup=False, soft_wrap=True)
    if as_json:
        print_json({"results": [r.model_dump() for r in results]})
    if any(r.status == "failed" for r in results):
        raise typer.Exit(BAD_INPUT)


def watch(folder: Path = typer.Argument(..., help="Folder the cyclers export into."),
          interval_s: float = typer.Option(5.0, "--interval", min=0.0, help="Seconds between looks."),
          once: bool = typer.Option(False, "--once", help="Look twice, INTERVAL apart, ingest what is stable, exit."),
          organisation: Optional[str] = typer.Option(None, "--organisation", help="Owner (default: local)."),
          as_json: bool = typer.Option(False, "--json", help="Print one JSON object per handled file.")) -> None:
    """Ingest new and changed files once they stop growing; safe to stop and restart.

    On a terminal a bar counts the folder's files stored of those in it, with the time left.
    """
    import json
    import sys

    from cellbench.store import Store, Watcher
    from cellbench.terminal import console, progress

    def report(result: IngestResult) -> None:
        if as_json:
            sys.stdout.write(json.dumps(result.model_dump()) + "\n")
            sys.stdout.flush()
        else:
            console.print(result.line(), highlight=False, markup=False, soft_wrap=True)

    # the bar redirects stderr (nothing forks here), so the log lines below print above it, not through it
    with progress(console, "files", disable=as_json, redirect=True) as bar:
        # Log cellbench's own records (what was handled, database outages) with times; not every library's chatter.
        cellbench_log = logging.getLogger("cellbench")
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        cellbench_log.addHandler(handler)
        level = cellbench_log.level
        cellbench_log.setLevel(logging.INFO)
        try:
            with Store.open() as store:
                # counting costs a look at the folder and the store: only for a bar that is drawn
                watcher = (Watcher(store, folder, organisation=organisation) if bar.disable
                           else _counting_watcher(store, folder, organisation, bar))
                watcher.run(interval_s, once=once, on_result=report)
        finally:
            cellbench_log.removeHandler(handler)
            cellbench_log.setLevel(level)


def _counting_watcher(store, folder: Path, organisation: str | None, bar):
    """A :class:`cellbench.store.Watcher` that keeps a bar at the folder's exports stored (this version of each
    file) of all its exports: counted before and after each look, and one more as each file is handled."""
    import os

    from sqlalchemy import select

    from cellbench.store import Watcher
    from cellbench.store.models import WatchedFile

    task = bar.add_task("watch", total=None)

    class CountingWatcher(Watcher):
        def poll(self):  # noqa: ANN202 - the parent's signature
            self.count()
            results = super().poll()
            self.count()
            return results

        def _handle(self, path, signature, row):  # noqa: ANN001, ANN202
            result = super()._handle(path, signature, row)
            bar.advance(task)
            return result

        def count(self) -> None:
            exports = dict(self._scan())
            under_folder = WatchedFile.path.startswith(str(self.folder) + os.sep, autoescape=True)
            with self.store.session() as session:
                handled = {r.path: (r.size_bytes, r.mtime_ns) for r in session.scalars(select(WatchedFile)
                                                                                       .where(under_folder))}
            done = sum(handled.get(path) == signature for path, signature in exports.items())
            bar.update(task, completed=done, total=len(exports))
            bar.refresh()  # each look's count is drawn, not only the ones a timer tick happens to catch

    return CountingWatcher(store, folder, organisation=organisation)


def tests_list(failed_only: bool = typer.Option(False, "--failed", help="Only failed experiments."),
               negative_only: bool = typer.Option(False, "--negative", help="Only negative results."),
               cell_id: Optional[str] = typer.Option(None, "--cell", help="Only this cell id."),
               as_json: bool = typer.Option(False, "--json", help="Print machine-readable records.")) -> None:
    """List stored tests."""
    from cellbench.terminal import console, print_json
    from cellbench.store import Store

    outcome = "failed" if failed_only else "negative" if negative_only else None
    with Store.open() as store:
        records = store.tests(outcome=outcome, cell_id=cell_id)
    if as_json:
        print_json({"tests": [r.model_dump(mode="json") for r in records]})
        return
    table = Table("id", "file", "vendor", "cell", "channel", "start (UTC)", "rows", "outcome")
    for r in records:
        outcome_text = r.outcome if r.outcome == "ok" else f"{r.outcome}: {r.outcome_reason}"
        start = r.start_time.strftime("%Y-%m-%d") if r.start_time else ""
        table.add_row(str(r.id), r.source_file or "", r.vendor or "", r.cell_id or "", r.channel or "", start,
                      str(r.row_count), outcome_text)
    console.print(table)


def tests_show(test: str = typer.Argument(..., help="Test id or content-hash prefix."),
               as_json: bool = typer.Option(False, "--json", help="Print the machine-readable record.")) -> None:
    """Show one stored test's record."""
    from cellbench.terminal import console, print_json
    from cellbench.store import Store

    with Store.open() as store:
        record = store.find(test)
        blob = store.blobs.path_for(record.content_hash)
    if as_json:
        print_json({**record.model_dump(mode="json"), "blob": str(blob)})
        return
    for key, value in {**record.model_dump(), "blob": blob}.items():
        console.print(f"{key:>16}: {'' if value is None else value}", highlight=False, markup=False,
                      soft_wrap=True)


def tests_flag(test: str = typer.Argument(..., help="Test id or content-hash prefix."),
               failed: Optional[str] = typer.Option(None, "--failed", metavar="REASON"),
               negative: Optional[str] = typer.Option(None, "--negative", metavar="REASON"),
               ok: bool = typer.Option(False, "--ok", help="Clear the flag."),
               as_json: bool = typer.Option(False, "--json")) -> None:
    """Flag a stored test as a failed experiment or a negative result (with a reason), or clear the flag."""
    from cellbench.terminal import console, print_json
    from cellbench.store import Store

    outcome, reason = _outcome(failed, negative)
    if ok:
        if outcome is not None:
            raise InputError("give one of --failed, --negative or --ok")
        outcome = "ok"
    if outcome is None:
        raise InputError("give one of --failed REASON, --negative REASON or --ok")
    with Store.open() as store:
        record = store.set_outcome(store.find(test).id, outcome, reason)
    if as_json:
        print_json(record.model_dump(mode="json"))
    else:
        console.print(f"test {record.id}: {record.outcome}" + (f" ({record.outcome_reason})" if record.outcome_reason
                                                                else ""), highlight=False, markup=False)


def tests_failures(as_json: bool = typer.Option(False, "--json", help="Print machine-readable records.")) -> None:
    """Files that could not be ingested, with the reason."""
    from cellbench.terminal import console, print_json
    from cellbench.store import Store

    with Store.open() as store:
        failures = store.failures()
    if as_json:
        print_json({"failures": [f.model_dump(mode="json") for f in failures]})
        return
    table = Table("id", "file", "error", "attempts", "last seen (UTC)")
    for f in failures:
        table.add_row(str(f.id), f.source_path, f.error, str(f.attempts), f.last_seen_at.strftime("%Y-%m-%d %H:%M"))
    console.print(table)
