"""`cellbench ageing plan|fit|predict|run`, `cellbench diagnose` and `cellbench eis`: durability commands."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from cellbench.errors import InputError


def _design(cell: str | None, measurement=None):
    from cellbench import cells

    name = cell or (measurement.metadata.provenance.get("cell") if measurement is not None else None)
    if not name:
        from cellbench.durability.electrode_balance import ocp_pairs

        raise InputError("which cell design? pass --cell ID or --cell FILE.yaml (its OCP tables are what the "
                         "electrode-balance fit uses), or for a cell without a design its chemistry: "
                         f"--chemistry {' | '.join(ocp_pairs())}", location="--cell")
    name = str(name).removesuffix(" (aged)")
    return cells.load_file(name) if name.endswith((".yaml", ".yml")) else cells.load(name)


def register(app: typer.Typer) -> None:
    from cellbench.terminal import console, print_json

    ageing_app = typer.Typer(help="Ageing: accelerated-test plans, Arrhenius/stress fits, predictions, "
                                  "virtual storage and cycle tests.", no_args_is_help=True)
    app.add_typer(ageing_app, name="ageing")

    @ageing_app.command("plan")
    def plan(use_temperature_C: float = typer.Option(25.0, "--use-temperature", help="use temperature (°C)"),
             years: float = typer.Option(10.0, "--years", help="target duration at use conditions"),
             expected_loss: float = typer.Option(0.2, "--expected-loss",
                                                 help="expected capacity loss at the target (fraction), sets the scale"),
             max_temperature_C: float = typer.Option(60.0, "--max-temperature",
                                                     help="highest temperature the cell may be tested at (°C)"),
             activation_energy: float = typer.Option(50.0, "--activation-energy", help="prior Ea (kJ/mol)"),
             noise: float = typer.Option(0.003, "--noise", help="retention std of one check-up (fraction)"),
             half_width: float = typer.Option(0.05, "--half-width", help="wanted 95 % half-width of the prediction"),
             interval: float = typer.Option(7.0, "--interval", help="days between check-ups"),
             json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
        """Propose test temperatures and durations that predict retention at use conditions to the wanted band."""
        from cellbench.durability import plan_tests

        plans = plan_tests(use_temperature_C=use_temperature_C, target_days=years * 365.0, expected_loss=expected_loss,
                           max_test_temperature_C=max_temperature_C, activation_energy_kJ_mol=activation_energy,
                           checkup_noise=noise, target_half_width=half_width, checkup_interval_days=interval)
        if json:
            print_json([p.as_dict() for p in plans])
            return
        table = Table(title=f"accelerated tests for {years:g} years at {use_temperature_C:g} °C (prior Ea "
                            f"{activation_energy:g} kJ/mol)")
        for col in ("temperatures °C", "days", "band ±", "meets target", "equivalent use days"):
            table.add_column(col, justify="right")
        for p in plans[:8]:
            table.add_row(", ".join(f"{t:g}" for t in p.temperatures_C), f"{p.duration_days:g}",
                          f"{p.expected_band_half_width:.3f}", "yes" if p.meets_target else "no",
                          ", ".join(f"{k}: {v:.0f}" for k, v in p.equivalent_use_days.items()))
        console.print(table)

    exponent_option = typer.Option("0.5", "--exponent", help="time exponent z, or 'free' to fit it")

    def _fit(data: Path, exponent: str):
        from cellbench.durability import AgeingData, fit_acceleration

        try:
            z = None if exponent == "free" else float(exponent)
        except ValueError:
            raise InputError(f"--exponent must be a number or 'free', got '{exponent}'", location="--exponent") from None
        return fit_acceleration(AgeingData.read(data), exponent=z)

    @ageing_app.command("fit")
    def fit(data: Path = typer.Argument(..., help="CSV: temperature_C, time (days or cycles), retention[, soc, c_rate]"),
            exponent: str = exponent_option, json: bool = typer.Option(False, "--json")) -> None:
        """Fit Arrhenius (and SOC / C-rate) acceleration to check-ups from two or more temperatures."""
        result = _fit(data, exponent)
        if json:
            print_json(result.as_dict())
            return
        table = Table(title=f"acceleration fit ({data.name})")
        table.add_column("parameter")
        table.add_column("value", justify="right")
        table.add_column("std error", justify="right")
        for name, entry in result.as_dict()["parameters"].items():
            table.add_row(name, f"{entry['value']:.4g}", f"{entry['std_error']:.2g}")
        console.print(table)

    @ageing_app.command("predict")
    def predict(data: Path = typer.Argument(..., help="check-up CSV as for 'ageing fit'"),
                temperature_C: float = typer.Option(25.0, "--temperature", help="use temperature (°C)"),
                time: float = typer.Option(3650.0, "--time", help="days (or cycles) at use conditions"),
                soc: float = typer.Option(50.0, "--soc", help="use SOC (%)"),
                c_rate: float = typer.Option(1.0, "--c-rate"),
                exponent: str = exponent_option, json: bool = typer.Option(False, "--json")) -> None:
        """Retention at use conditions with its 95 % band, from an acceleration fit of the check-ups."""
        result = _fit(data, exponent)
        prediction = result.predict(temperature_C, time, soc / 100.0, c_rate)
        if json:
            print_json({"prediction": prediction.as_dict(), "fit": result.as_dict()})
            return
        console.print(f"retention after {time:g} at {temperature_C:g} °C, SOC {soc:g} %: "
                      f"{100 * prediction.retention:.1f} % (95 %: {100 * prediction.retention_low:.1f}–"
                      f"{100 * prediction.retention_high:.1f} %), Ea {result.activation_energy_kJ_mol:.1f} kJ/mol")

    @ageing_app.command("run")
    def run(cell: str = typer.Argument(..., help="cell id or YAML"),
            kind: str = typer.Option("storage", "--kind", help="storage or cycle"),
            temperature_C: float = typer.Option(45.0, "--temperature"),
            soc: float = typer.Option(100.0, "--soc", help="storage SOC (%)"),
            c_rate: float = typer.Option(1.0, "--c-rate", help="cycling C-rate"),
            checkpoints: str = typer.Option("0,14,28,42", "--checkpoints",
                                            help="days (storage) or equivalent full cycles (cycle), comma-separated"),
            laws: Path = typer.Option(None, "--laws", help="ageing-laws YAML (default: bundled, illustrative)"),
            json: bool = typer.Option(False, "--json")) -> None:
        """A storage or cycle-ageing test on the virtual cycler: 1/3C capacity and 10 s DC-IR at each check-up."""
        from cellbench.durability import ageing_test, load_laws

        if kind not in ("storage", "cycle"):
            raise InputError(f"--kind must be storage or cycle, got '{kind}'", location="--kind")
        try:
            points = [float(x) for x in checkpoints.split(",") if x.strip()]
        except ValueError:
            raise InputError(f"--checkpoints must be numbers separated by commas, got '{checkpoints}'") from None
        from cellbench.terminal import progress

        with progress(console, "check-ups", disable=json) as bar:  # simulations done of total, time left
            task = bar.add_task("ageing", total=len(points))
            rows = ageing_test(_design(cell), load_laws(laws), kind=kind, temperature_C=temperature_C,
                               checkpoints=points, soc=soc / 100.0, c_rate=c_rate,
                               progress=lambda done, total: bar.update(task, completed=done, total=total))
        if json:
            print_json(rows)
            return
        axis = "days" if kind == "storage" else "equivalent_full_cycles"
        table = Table(title=f"{kind} ageing at {temperature_C:g} °C (virtual cycler, empirical laws)")
        for col in (axis, "retention %", "DC-IR growth %", "LLI %", "film Ω·cm²", "contact lost %"):
            table.add_column(col, justify="right")
        for r in rows:
            table.add_row(f"{r[axis]:g}", f"{100 * r['capacity_retention']:.1f}", f"{100 * r['resistance_growth']:.1f}",
                          f"{100 * r['lli']:.2f}", f"{r['cathode_film_resistance_ohm_cm2']:.2f}",
                          f"{100 * r['cathode_contact_loss']:.2f}")
        console.print(table)

    @ageing_app.command("early-life")
    def early_life(test: Path = typer.Argument(..., help="cycling test: cycler file or Parquet"),
                   early: int = typer.Option(10, "--early", help="early cycle"),
                   late: int = typer.Option(100, "--late", help="late cycle"),
                   json: bool = typer.Option(False, "--json")) -> None:
        """ΔQ(V) features between an early and a late cycle (Severson et al. 2019): var, min, mean of ΔQ."""
        from cellbench.durability import delta_q_features
        from cellbench.measurements import read

        features = delta_q_features(read(test), early_cycle=early, late_cycle=late)
        if json:
            print_json({k: (None if isinstance(v, float) and v == float("-inf") else v) for k, v in features.items()})
            return
        if features["identical_curves"]:
            console.print(f"cycles {early} and {late} have identical discharge curves (ΔQ = 0): nothing to predict from")
            return
        console.print(f"log10 var ΔQ = {features['log10_var_delta_q']:.3f}; min ΔQ = "
                      f"{1000 * features['min_delta_q_Ah']:.3f} mAh; mean ΔQ = {1000 * features['mean_delta_q_Ah']:.3f} mAh")

    @app.command("diagnose")
    def diagnose(test: Path = typer.Argument(..., help="aged test: cycler file or Parquet with check-ups"),
                 cell: str = typer.Option(None, "--cell", help="cell id or YAML (default: the simulated test's cell)"),
                 chemistry: str = typer.Option(None, "--chemistry",
                                               help="for a cell without a design: a built-in electrode pair "
                                                    "(nmc-graphite, lfp-graphite, nmc-li-in, ...)"),
                 reference: Path = typer.Option(None, "--reference", help="fresh check-up of the same cell"),
                 degradation_map: Path = typer.Option(None, "--map", help="your degradation-factor map YAML"),
                 capacity_Ah: float = typer.Option(None, "--capacity-Ah", help="rated capacity (default: design's)"),
                 no_pulses: bool = typer.Option(False, "--no-pulses", help="diagnose without resistance growth"),
                 json: bool = typer.Option(False, "--json")) -> None:
        """LLI and LAM per electrode (dV/dQ fit of OCP tables), resistance growth, mechanisms ranked by the map."""
        from cellbench import durability
        from cellbench.measurements import read

        if cell and chemistry:
            raise InputError("give --cell or --chemistry, not both", location="--chemistry")
        aged = read(test)
        ref = read(reference) if reference else None
        design = None if chemistry else _design(cell, aged)
        result = durability.diagnose(aged, design, chemistry=chemistry, reference=ref,
                                     degradation_map=durability.load_map(degradation_map) if degradation_map else None,
                                     capacity_Ah=capacity_Ah, require_pulses=not no_pulses)
        if json:
            print_json(result.as_dict())
            return
        fmt = lambda x: "—" if x is None else f"{100 * x:.1f} %"  # noqa: E731
        for note in result.notes:
            console.print(f"note: {note}")
        console.print(f"OCP tables: {result.ocp_source}; against: {result.reference}; "
                      f"fit {result.aged_fit.rms_error_mV:.1f} mV rms")
        b = result.aged_fit.balance
        console.print(f"fitted balance: cathode {b.cathode_Ah:.4g} Ah per unit x, at x = {b.cathode_full:.3f} when "
                      "full" + ("" if b.anode_Ah is None else
                                f"; anode {b.anode_Ah:.4g} Ah per unit x, at x = {b.anode_full:.3f} when full")
                      + f"; cyclable lithium {b.lithium_Ah:.4g} Ah")
        console.print(f"lithium inventory lost {fmt(result.losses['lli'])}, cathode active material lost "
                      f"{fmt(result.losses['lam_cathode'])}, anode {fmt(result.losses['lam_anode'])}, "
                      f"capacity retention {fmt(result.capacity_retention)}, resistance growth "
                      f"{fmt(result.resistance_growth)}")
        if not result.ranked:
            return
        table = Table(title=f"mechanisms (degradation-factor map {result.map_version})")
        for col in ("mechanism", "match", "evidence"):
            table.add_column(col)
        for r in result.ranked:
            table.add_row(r.mechanism.name, f"{r.score:.2f}", "; ".join(r.evidence) or "—")
        console.print(table)

    @app.command("eis")
    def eis(file: Path = typer.Argument(..., help="BioLogic .mpr/.mpt, Maccor EIS export or CSV spectrum"),
            circuit: str = typer.Option("R0-p(R1,CPE1)-p(R2,CPE2)", "--circuit", help="impedance.py circuit"),
            electrode: str = typer.Option(None, "--electrode", help="cell, working or counter (three-electrode)"),
            sweep: int = typer.Option(None, "--sweep", help="which sweep of the file (default: first)"),
            json: bool = typer.Option(False, "--json")) -> None:
        """Fit an equivalent circuit to an impedance spectrum: R_ohmic, R_middle and R_low with 95 % intervals, and
        a warning for each value the spectrum does not identify (interval wider than the value, arc not closed)."""
        from cellbench.durability import fit_spectrum, read_spectrum

        spectrum = read_spectrum(file)
        electrodes = [electrode] if electrode else spectrum.electrodes()
        fits = {e: fit_spectrum(spectrum, circuit, electrode=e, sweep=sweep) for e in electrodes}
        if json:
            print_json({"file": str(file), "electrodes": {e: f.as_dict() for e, f in fits.items()}})
            return
        table = Table(title=f"{file.name}: {circuit} (Ω, ± 95 % interval; ✗ = not identifiable, see warnings)")
        table.add_column("electrode")
        names = sorted({n for f in fits.values() for n in f.resistances_ohm})
        for n in names + ["rms Ω"]:
            table.add_column(n, justify="right")

        def cell(f, n):
            if n not in f.resistances_ohm:
                return "—"
            lo, hi = f.resistance_ci95_ohm[n]
            half = 0.5 * (hi - lo)
            spread = "± ∞" if half == float("inf") else f"± {half:.2g}"
            return f"{f.resistances_ohm[n]:.4g} {spread}" + ("" if f.identifiable[n] else " ✗")

        for e, f in fits.items():
            table.add_row(e, *[cell(f, n) for n in names], f"{f.rms_error_ohm:.2g}")
        console.print(table)
        for e, f in fits.items():
            for warning in f.warnings:
                console.print(f"warning ({e}): {warning}")
