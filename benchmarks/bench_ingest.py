"""Ingest speed: cellbench's readers against cellpy's loaders on the same real files, in the same run;
a synthetic 5 M-row Arbin CSV for the claims "≥ 1 M rows/s per core" and "≥ 0.7 × a bare polars.read_csv of
the same file"; native binaries against their reader library alone; a 10 M-row per-cycle summary (< 2 s).

Run: ``.venv/bin/python benchmarks/bench_ingest.py [--rows 5000000] [--summary-rows 10000000] [--only csv]``.
cellpy is the benchmark-only anchor (``pip install -e '.[bench]'``); files cellpy cannot load here are
reported as such, not skipped silently. Polars is limited to one thread (POLARS_MAX_THREADS=1) so that
rows/s are per core; the summary timing is repeated with all cores. cellbench and its anchor are timed in
alternation (best of N each), so a busy machine slows both alike. Native files are taken from
../shared/data/real and from the folder named by CELLBENCH_VENDOR_FILES (fastnda's and cellpy's public test
files, for instance).
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

REAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "real"

# file -> cellpy.get keyword arguments (None: cellpy has no loader that reads this file here)
CELLPY_LOADERS = {
    "neware_uio.csv": {"instrument": "neware_txt", "model": "one"},
    "biol.mpr": {"instrument": "biologics_mpr"},
    "batmo_bdf.csv": {"instrument": "batmo_bdf"},
    "maccor_002.txt": {"instrument": "maccor_txt", "model": "one"},
    "FastCharge_000025_CH8.csv": {"instrument": "arbin_sql_csv"},
    "custom_good_small.csv": {"instrument": "custom"},
    "test_Nova_Form-CH01-01_short.csv": None,
    "maccor_test_file_4267-66-6519.041": None,
    "PredictionDiagnostics_000151_paused.052": None,
}


def best_of_alternating(first, second, repeat: int, clock=time.perf_counter) -> tuple[float, float]:
    """Best time of each of two functions, run in alternation; ``clock=time.process_time`` counts this
    process's CPU time only, which other work on a shared machine disturbs less than wall time."""
    a = b = float("inf")
    for _ in range(repeat):
        start = clock()
        first()
        a = min(a, clock() - start)
        start = clock()
        second()
        b = min(b, clock() - start)
    return a, b


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def bench_real_files(repeat: int) -> None:
    from cellbench.measurements import read

    if not REAL.is_dir():
        print(f"\n== real files: {REAL} not present (third-party files; CI has them) ==")
        return
    try:
        warnings.filterwarnings("ignore")
        logging.disable(logging.CRITICAL)
        import cellpy
    except Exception as exc:  # cellpy is optional: say so and keep measuring cellbench
        cellpy = None
        print(f"cellpy could not be imported ({exc}); install the bench extra for the anchor")
    print(f"\n== real files (best of {repeat}) ==")
    print(f"{'file':42s} {'rows':>7s} {'cellbench rows/s':>17s} {'cellpy rows/s':>14s} {'ratio':>7s}")
    ratios = []
    for name, kwargs in CELLPY_LOADERS.items():
        path = REAL / name
        rows = len(read(path))
        ours = best_of(lambda: read(path), repeat)
        anchor_text, ratio_text = "-", "-"
        if cellpy is None:
            anchor_text = "no cellpy"
        elif kwargs is None:
            anchor_text = "no loader"
        else:
            try:
                theirs = best_of(lambda: cellpy.get(str(path), **kwargs), max(1, repeat // 2))
                anchor_text = f"{rows / theirs:14,.0f}"
                ratios.append(theirs / ours)
                ratio_text = f"{theirs / ours:6.1f}x"
            except Exception as exc:  # record why cellpy failed on this file
                anchor_text = f"fails: {type(exc).__name__}"
        print(f"{name:42s} {rows:7d} {rows / ours:17,.0f} {anchor_text:>14s} {ratio_text:>7s}")
    if ratios:
        print(f"cellbench vs cellpy on the {len(ratios)} files both read: "
              f"min {min(ratios):.1f}x, geometric mean "
              f"{(float(__import__('math').prod(ratios)) ** (1 / len(ratios))):.1f}x (target ≥ 10x)")


def write_synthetic_csv(path: Path, rows: int) -> None:
    """An Arbin-layout CSV (the most common export) with cycles of charge and discharge."""
    import numpy as np
    import polars as pl

    t = np.arange(rows, dtype=np.float64)
    cycle = (t // 2000).astype(np.int64)
    phase = (t % 2000) < 1000
    current = np.where(phase, 1.0, -1.0)
    voltage = 3.6 + np.where(phase, 1, -1) * 0.0004 * (t % 1000)
    pl.DataFrame({"Data_Point": t.astype(np.int64), "Test_Time": t, "Step_Index": np.where(phase, 1, 2),
                  "Cycle_Index": cycle, "Current": current, "Voltage": voltage,
                  "Charge_Capacity": np.where(phase, (t % 1000) / 3600, 1000 / 3600),
                  "Discharge_Capacity": np.where(phase, 0.0, (t % 1000) / 3600)}).write_csv(path)


def bench_synthetic_csv(rows: int, repeat: int) -> None:
    import polars as pl

    from cellbench.measurements import read

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic_arbin.csv"
        write_synthetic_csv(path, rows)
        size_mb = path.stat().st_size / 1e6
        read(path)  # compile the numba kernels (cached on disk after the first run)
        ours, anchor = best_of_alternating(lambda: read(path), lambda: pl.read_csv(path), repeat)
        ours_cpu, anchor_cpu = best_of_alternating(lambda: read(path), lambda: pl.read_csv(path), repeat,
                                                   clock=time.process_time)
        print(f"\n== synthetic Arbin CSV: {rows:,} rows, {size_mb:.0f} MB, POLARS_MAX_THREADS="
              f"{os.environ.get('POLARS_MAX_THREADS', 'all')} (best of {repeat}) ==")
        print(f"cellbench read (parse + checks + counters + metadata): {rows / ours:12,.0f} rows/s "
              f"({ours:.2f} s)  target ≥ 1,000,000 rows/s: {'met' if rows / ours >= 1e6 else 'NOT met'}")
        print(f"anchor: bare polars.read_csv, same file:                {rows / anchor:12,.0f} rows/s "
              f"({anchor:.2f} s)  cellbench/bare = {anchor / ours:.2f}  target ≥ 0.70: "
              f"{'met' if anchor / ours >= 0.7 else 'NOT met'}")
        print(f"the same in CPU time of this process: cellbench {ours_cpu:.2f} s, bare {anchor_cpu:.2f} s, "
              f"cellbench/bare = {anchor_cpu / ours_cpu:.2f}  target ≥ 0.70: "
              f"{'met' if anchor_cpu / ours_cpu >= 0.7 else 'NOT met'}")
        try:
            import cellpy

            theirs = best_of(lambda: cellpy.get(str(path), instrument="arbin_sql_csv"), 1)
            print(f"anchor: cellpy {cellpy.__version__} arbin_sql_csv:      {rows / theirs:12,.0f} rows/s "
                  f"({theirs:.2f} s)  cellbench/cellpy = {theirs / ours:.1f}x")
        except Exception as exc:  # cellpy is optional, and may not read this layout: say which
            print(f"anchor: cellpy: not measured ({type(exc).__name__}: {str(exc)[:80]})")


def native_files() -> list[Path]:
    folders = [REAL] + ([Path(os.environ["CELLBENCH_VENDOR_FILES"])] if os.environ.get("CELLBENCH_VENDOR_FILES")
                        else [])
    return sorted(p for folder in folders if folder.is_dir() for p in folder.iterdir()
                  if p.suffix.lower() in (".nda", ".ndax", ".res", ".mpr") and p.stat().st_size > 0)


# --raw-mpr: time galvani's MPRfile alone (the record array as read, no table), instead of its documented use
RAW_MPR_ANCHOR = False


def _library_alone(path: Path):
    """The reader library's own use for a native file, as its documentation shows it (issue 25: anchors are the
    competent use of each tool): fastnda.read (a Polars frame); galvani's MPRfile made into a pandas DataFrame, as
    galvani's README does (``--raw-mpr`` times MPRfile alone, which returns the file's records undecoded into
    a table); galvani's res2sqlite conversion. This is what cellbench must at least keep pace with."""
    suffix = path.suffix.lower()
    if suffix in (".nda", ".ndax"):
        import fastnda

        return "fastnda.read", lambda: fastnda.read(path, cycle_mode="raw")
    if suffix == ".mpr":
        from galvani import BioLogic

        from cellbench.measurements.readers.biologic import _register_columns

        _register_columns()
        if RAW_MPR_ANCHOR:
            return "galvani MPRfile", lambda: BioLogic.MPRfile(str(path))
        import pandas as pd

        # galvani's README: "mpr_file = BioLogic.MPRfile('test.mpr'); df = pd.DataFrame(mpr_file.data)"
        return "galvani MPRfile+pd", lambda: pd.DataFrame(BioLogic.MPRfile(str(path)).data)
    import contextlib
    import io

    from galvani import res2sqlite

    def convert():
        with contextlib.redirect_stdout(io.StringIO()):
            res2sqlite.convert_arbin_to_sqlite(str(path), None).close()

    return "galvani res2sqlite", convert


def bench_native(repeat: int) -> None:
    from cellbench.measurements import read

    # fastnda logs file quirks (time stamps that jump back, unreadable aux metadata) on every read: once is enough
    logging.getLogger("fastnda").setLevel(logging.CRITICAL + 1)
    files = native_files()
    print(f"\n== native files against their reader library alone (best of {repeat}, or of as many rounds as fit in "
          "about half a second for a short file; ratio = library time / cellbench time, wall and CPU) ==")
    if not files:
        print("none found (../shared/data/real has none here; set CELLBENCH_VENDOR_FILES to a folder of .nda/.ndax/"
              ".res/.mpr files)")
        return
    print(f"{'file':52s} {'rows':>8s} {'cellbench s':>11s} {'library':>20s} {'library s':>9s} {'ratio':>6s} "
          f"{'CPU':>6s}")
    ratios: list[tuple[str, float, float]] = []
    for path in files:
        try:
            start = time.perf_counter()
            rows = len(read(path))
            name, alone = _library_alone(path)
            alone()
            # at least `repeat` rounds, and more for a file read in a few milliseconds (up to about half a second
            # of each side): the best of five such short reads is mostly the machine's noise
            rounds = max(repeat, min(100, int(0.5 / max(time.perf_counter() - start, 1e-4))))
            ours, theirs = best_of_alternating(lambda: read(path), alone, rounds)
            ours_cpu, theirs_cpu = best_of_alternating(lambda: read(path), alone, rounds, clock=time.process_time)
        except Exception as exc:  # a file one side cannot read is reported, not hidden
            print(f"{path.name[:52]:52s} fails: {type(exc).__name__}: {str(exc)[:60]}")
            continue
        print(f"{path.name[:52]:52s} {rows:8d} {ours:11.4f} {name:>20s} {theirs:9.4f} {theirs / ours:5.2f}x "
              f"{theirs_cpu / ours_cpu:5.2f}x")
        ratios.append((path.name, theirs / ours, theirs_cpu / ours_cpu))
    behind = [(n, wall, cpu) for n, wall, cpu in ratios if min(wall, cpu) < 1.0]
    print(f"at least as fast as the library alone (wall and CPU ≥ 1.00): {len(ratios) - len(behind)} of {len(ratios)} "
          f"files{'; behind: ' if behind else ''}"
          + ", ".join(f"{n} {min(wall, cpu):.2f}x" for n, wall, cpu in behind))


def bench_summary(rows: int, repeat: int) -> None:
    import numpy as np
    import polars as pl

    from cellbench.analysis import cycle_table
    from cellbench.measurements import Measurement
    from cellbench.measurements import schema as S

    t = np.arange(rows, dtype=np.float64)
    phase = (t % 2000) < 1000
    current = np.where(phase, 1.0, -1.0)
    frame = pl.DataFrame({S.TIME: t, S.VOLTAGE: 3.6 + 0.0004 * np.where(phase, 1, -1) * (t % 1000),
                          S.CURRENT: current, S.CYCLE: (t // 2000).astype(np.int64)})
    measurement = Measurement(frame)  # integrates the BDF cumulative columns
    elapsed = best_of(lambda: cycle_table(measurement), repeat)
    cycles = cycle_table(measurement).height
    anchor = best_of(lambda: measurement.data.group_by(S.CYCLE).agg(pl.col(S.VOLTAGE).mean()), repeat)
    print(f"\n== per-cycle summary of {rows:,} rows ({cycles:,} cycles), POLARS_MAX_THREADS="
          f"{os.environ.get('POLARS_MAX_THREADS', 'all')} (best of {repeat}) ==")
    print(f"cellbench cycle_table: {elapsed:.3f} s  target < 2 s: {'met' if elapsed < 2 else 'NOT met'}")
    print(f"anchor: one bare polars group_by mean on the same frame: {anchor:.3f} s  ratio {elapsed / anchor:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=5_000_000)
    parser.add_argument("--summary-rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--part", choices=["all", "one-core", "summary-all-cores"], default="all")
    parser.add_argument("--only", choices=["real", "csv", "native", "summary"], action="append",
                        help="run only these measurements (repeatable); default: all of them")
    parser.add_argument("--raw-mpr", action="store_true", help="time galvani's MPRfile without its DataFrame")
    args = parser.parse_args()
    global RAW_MPR_ANCHOR
    RAW_MPR_ANCHOR = args.raw_mpr
    only = set(args.only or ["real", "csv", "native", "summary"])
    if args.part == "all":
        env = dict(os.environ, POLARS_MAX_THREADS="1")
        common = ["--rows", str(args.rows), "--summary-rows", str(args.summary_rows), "--repeat", str(args.repeat),
                  *(f"--only={o}" for o in sorted(only))]
        subprocess.run([sys.executable, __file__, "--part", "one-core", *common], env=env, check=True)
        if "summary" in only:
            subprocess.run([sys.executable, __file__, "--part", "summary-all-cores", *common], check=True)
        return
    if args.part == "one-core":
        if "real" in only:
            bench_real_files(args.repeat)
        if "csv" in only:
            bench_synthetic_csv(args.rows, args.repeat)
        if "native" in only:
            bench_native(args.repeat)
        if "summary" in only:
            bench_summary(args.summary_rows, args.repeat)
    else:
        bench_summary(args.summary_rows, args.repeat)


if __name__ == "__main__":
    main()
