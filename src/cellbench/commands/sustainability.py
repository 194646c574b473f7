"""`cellbench cfp`, `cellbench recycle` and `cellbench passport ...`: carbon footprint, recycling, battery passport."""

from __future__ import annotations

import json as jsonlib
from pathlib import Path

import typer
from rich.table import Table

from cellbench.errors import InputError


def _bill(cell: str | None, pack: str | None):
    from cellbench import cells
    from cellbench.sustainability import bill_of_materials_for_pack, cell_bill

    if bool(cell) == bool(pack):
        raise InputError("give exactly one of --cell ID or --pack FILE")
    return cell_bill(cells.load(cell)) if cell else bill_of_materials_for_pack(pack)


def register(app: typer.Typer) -> None:
    from cellbench.terminal import console, print_json

    @app.command("cfp")
    def cfp(cell: str = typer.Option(None, "--cell", help="catalogue cell id"),
            pack: str = typer.Option(None, "--pack", help="pack YAML (cell x count + parts), or a packaged pack id"),
            grid: str = typer.Option(None, "--grid", help="factory country for the grid intensity (JP, CN, KR, DE, SE, ...)"),
            recycled: str = typer.Option(None, "--recycled", help="recycled content: eu-2031, eu-2036 or Ni=0.2,Co=0.16,Li=0.06"),
            recycled_from: Path = typer.Option(None, "--recycled-from", help="a `recycle --json` result: its recovered metal as closed-loop recycled content"),
            route: str = typer.Option(None, "--route", help="end-of-life route for the recycling stage (pyro, hydro, direct)"),
            samples: int = typer.Option(2000, "--samples", help="Monte Carlo samples for the uncertainty band (0: none)"),
            seed: int = typer.Option(0, "--seed", help="random seed of the Monte Carlo band"),
            factors: Path = typer.Option(None, "--factors", help="your own factor file (same shape as the packaged one)"),
            json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
        """Carbon footprint in kg CO2e/kWh by life-cycle stage, with its uncertainty band and the grid-mix effect."""
        from cellbench.sustainability.factors import load_factors, parse_recycled_content
        from cellbench.sustainability.footprint import carbon_footprint
        from cellbench.sustainability.recycling import recycled_content_from

        bill = _bill(cell, pack)
        shares = parse_recycled_content(recycled) if recycled else {}
        if recycled_from:
            try:
                result = jsonlib.loads(recycled_from.read_text(encoding="utf-8"))
                recovered = {el: v["recovered_kg"] for el, v in result["elements"].items()}
            except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
                raise InputError(f"not a `cellbench recycle --json` result ({exc})", source=str(recycled_from)) from None
            shares.update(recycled_content_from(recovered, bill))
        r = carbon_footprint(bill, grid=grid, factors=load_factors(factors) if factors else None,
                             recycled_content=shares, end_of_life_route=route, samples=samples, seed=seed)
        from cellbench.commands.targets import print_result_checks, result_checks
        from cellbench.targets import footprint_figures

        checks = result_checks(footprint_figures(r.to_dict()), ("pack",), origin=f"carbon footprint of {r.basis['label']}")
        checks = [c for c in checks if c.quantity == "cfp_kg_co2e_per_kwh"]
        if json:
            print_json(r.to_dict() | {"target_checks": [c.model_dump(mode="json") for c in checks]})
            return
        table = Table(title=f"Carbon footprint of {r.basis['label']} ({r.basis['energy_kWh']:.4g} kWh, "
                            f"grid {r.grid['country']})")
        table.add_column("stage")
        table.add_column("kg CO2e/kWh", justify="right")
        table.add_column("5–95 %", justify="right")
        for stage, value in r.stages.items():
            band = r.uncertainty.get("stages", {}).get(stage)
            table.add_row(stage.replace("_", " "), f"{value:.1f}", f"{band['p05']:.1f}–{band['p95']:.1f}" if band else "")
        u = r.uncertainty
        table.add_row("total", f"{r.total_kg_co2e_per_kwh:.1f}", f"{u['p05']:.1f}–{u['p95']:.1f}" if "p05" in u else "")
        console.print(table)
        console.print(f"electricity {r.grid['electricity_kWh_per_kwh']:.1f} kWh/kWh (dry room "
                      f"{r.grid['dry_room_kWh_per_kwh']:.1f}) × {r.grid['kg_co2e_per_kWh']} kg/kWh = "
                      f"{r.grid['electricity_kg_co2e_per_kwh']:.1f} kg CO2e/kWh; total at other grids: "
                      + ", ".join(f"{c} {v['total_kg_co2e_per_kwh']:.0f}" for c, v in r.grid["by_country"].items()))
        if r.recycled_content["shares"]:
            console.print(f"recycled content {r.recycled_content['shares']} saves "
                          f"{r.recycled_content['saving_kg_co2e_per_kwh']:.1f} kg CO2e/kWh")
        print_result_checks(console, checks)

    @app.command("recycle")
    def recycle(pack: str = typer.Option(None, "--pack", help="pack YAML (cell x count + parts), or a packaged pack id"),
                cell: str = typer.Option(None, "--cell", help="catalogue cell id (one cell as feed)"),
                route: str = typer.Option(..., "--route", help="pyro, hydro or direct"),
                target_set: str = typer.Option(None, "--targets", help="gi-fund (default: Li 70, Ni 95, Co 95 %), eu-2027 or eu-2031"),
                json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
        """kg of Li, Ni, Co, Mn, Cu, Al and graphite recovered by a route, against the recovery targets."""
        from cellbench.sustainability.recycling import recover

        r = recover(_bill(cell, pack), route, target_set=target_set)
        from cellbench.commands.targets import print_result_checks, result_checks
        from cellbench.targets import recovery_figures

        checks = result_checks(recovery_figures(r.to_dict()), ("end_of_life",),
                               origin=f"{r.route} recycling of {r.basis['label']}")
        if json:
            print_json(r.to_dict() | {"target_checks": [c.model_dump(mode="json") for c in checks]})
            return
        table = Table(title=f"{r.route_name}: {r.basis['label']} (targets {r.targets['set']})")
        for col in ("element", "feed kg", "recovered kg", "recovery %", "range %", "target %", "meets"):
            table.add_column(col, justify="left" if col == "element" else "right")
        for el, e in r.elements.items():
            rate = "—" if e["recovery_rate"] is None else f"{100 * e['recovery_rate']:.1f}"
            band = "—" if e["recovery_rate_range"] is None else "–".join(f"{100 * x:.0f}" for x in e["recovery_rate_range"])
            target = "—" if e["target"] is None else f"{100 * e['target']:.0f}"
            meets = {None: "—", True: "yes", False: "no"}[e["meets_target"]]
            table.add_row(el, f"{e['feed_kg']:.3g}", f"{e['recovered_kg']:.3g}", rate, band, target, meets)
        console.print(table)
        print_result_checks(console, checks)

    passport_app = typer.Typer(help="Battery passports: show, export to BatteryPass v1.2.0, state of health, due diligence.",
                               no_args_is_help=True)
    app.add_typer(passport_app, name="passport")
    audience_option = typer.Option("public", "--as", help="public, legitimate_interest or authorities (EU access levels)")

    @passport_app.command("list")
    def passport_list(json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
        """Passports in the store folder, plus the built-in 'demo'."""
        from cellbench.store.records.passports import list_passports

        ids = list_passports()
        if json:
            print_json(ids)
            return
        for battery_id in ids:
            console.print(battery_id)

    @passport_app.command("show")
    def passport_show(battery: str = typer.Argument(..., help="battery id (try 'demo')"),
                      audience: str = audience_option,
                      json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
        """Specification and individual identification and the state-of-health history, as the audience may see."""
        from cellbench.store.records.passports import load_passport
        from cellbench.sustainability.passport import may_read, soh_history

        p = load_passport(battery)
        rated = p.rated()
        s, ind = p.specification, p.individual
        out = {"id": p.id, "access_tier": p.access_tier,
               "specification": {"model_number": s.model_number, "category": s.category,
                                 "chemistry": s.chemistry_short_name, "dimensions_mm": s.dimensions_mm,
                                 "rated_capacity_Ah": rated["capacity_Ah"], "rated_energy_kWh": rated["energy_kWh"],
                                 "nominal_voltage_V": rated["nominal_voltage_V"]},
               "individual": {"battery_id": ind.battery_id, "passport": ind.passport_urn, "status": ind.status,
                              "manufacturing_date": ind.manufacturing_date.isoformat(),
                              "manufacturing_place": ind.manufacturing_place.model_dump()}}
        if may_read(audience, "performanceAndDurability.batteryCondition"):
            out["individual"]["soh_history"] = soh_history(p)
        if json:
            print_json(out)
            return
        for section in ("specification", "individual"):
            table = Table(title=f"{section} identification — {p.id}", show_header=False)
            for k, v in out[section].items():
                if k != "soh_history":
                    table.add_row(k, f"{v:.4g}" if isinstance(v, float) else str(v))
            console.print(table)
        if "soh_history" in out["individual"]:
            table = Table(title="state of health")
            for col in ("date", "capacity Ah", "SoH %", "R increase %", "source"):
                table.add_column(col)
            for h in out["individual"]["soh_history"]:
                r = h["resistance_increase_pct"]
                table.add_row(h["date"][:10], f"{h['capacity_Ah']:.1f}", f"{h['soh_capacity_pct']:.1f}",
                              "—" if r is None else f"{r:.1f}", h["source"])
            console.print(table)
        else:
            console.print(f"state of health: visible to legitimate_interest and above, not to {audience}")

    @passport_app.command("export")
    def passport_export(battery: str = typer.Option(..., "--battery", help="battery id (try 'demo')"),
                        fmt: str = typer.Option("batterypass", "--format", help="batterypass (v1.2.0 JSON)"),
                        output: Path = typer.Option(..., "-o", "--output", help="where to write the JSON"),
                        audience: str = typer.Option(None, "--as", help="write only what this audience may read (default: everything)"),
                        samples: int = typer.Option(0, "--samples", help="Monte Carlo samples for the footprint band"),
                        json: bool = typer.Option(False, "--json", help="say what was written as JSON")) -> None:
        """Export to BatteryPass Data Model v1.2.0 JSON, validated against its schemas before writing."""
        from cellbench.sustainability.batterypass import export_batterypass, validate_batterypass
        from cellbench.store.records.passports import load_passport
        from cellbench.sustainability.passport import view

        if fmt != "batterypass":
            raise InputError(f"unknown format '{fmt}'; cellbench writes: batterypass", location="option '--format'")
        document = export_batterypass(load_passport(battery), samples=samples)
        validate_batterypass(document)
        if audience:
            document = view(document, audience)
        output.write_text(jsonlib.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if json:
            print_json({"battery": battery, "output": str(output), "format": "BatteryPass v1.2.0",
                        "audience": audience, "valid": True})
            return
        console.print(f"wrote {output} (BatteryPass v1.2.0, valid against the 7 aspect schemas)")

    @passport_app.command("soh")
    def passport_soh(battery: str = typer.Option(..., "--battery", help="battery id"),
                     measurement: Path = typer.Option(None, "--measurement", help="a cycler file of a cell of this battery"),
                     soh: float = typer.Option(None, "--soh", help="capacity SoH in % (instead of a measurement)"),
                     resistance_increase: float = typer.Option(None, "--resistance-increase", help="in % against initial"),
                     source: str = typer.Option(None, "--source", help="where the reading comes from"),
                     json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
        """Add a state-of-health reading (measured cell data or given numbers) to a passport and save it."""
        from cellbench.store.records.passports import load_passport, save_passport
        from cellbench.sustainability.passport import add_soh, latest_soh, update_soh_from_measurement

        p = load_passport(battery)
        if (measurement is None) == (soh is None):
            raise InputError("give exactly one of --measurement FILE or --soh PCT")
        detail = None
        if measurement is not None:
            from cellbench.measurements.readers import read

            p, detail = update_soh_from_measurement(p, read(measurement), source=source or f"measured: {measurement.name}")
        else:
            p = add_soh(p, soh_capacity_pct=soh, resistance_increase_pct=resistance_increase, source=source or "entered")
        path = save_passport(p)
        latest = latest_soh(p)
        if json:
            print_json({"passport": str(path), "latest": latest, "measurement": detail})
            return
        r = latest["resistance_increase_pct"]
        console.print(f"{p.id}: SoH {latest['soh_capacity_pct']:.1f}%"
                      + ("" if r is None else f", resistance +{r:.1f}%") + f" — saved to {path}")

    @passport_app.command("due-diligence")
    def passport_due_diligence(battery: str = typer.Option(..., "--battery", help="battery id"),
                               audience: str = audience_option,
                               json: bool = typer.Option(False, "--json", help="machine-readable output")) -> None:
        """Due-diligence questionnaire records (mineral origin, smelter, risk flags), if the audience may see them."""
        from cellbench.store.records.passports import due_diligence, load_passport

        records = due_diligence(load_passport(battery), audience)
        if json:
            print_json([r.model_dump() for r in records])
            return
        table = Table(title=f"due diligence — {battery}")
        for col in ("material", "origin", "smelter / refiner", "risk flags", "assessment"):
            table.add_column(col)
        for r in records:
            table.add_row(r.material, r.mineral_origin, r.smelter_or_refiner, ", ".join(r.risk_flags) or "—", r.assessment)
        console.print(table)

    @passport_app.command("import")
    def passport_import(path: Path = typer.Argument(..., help="a passport YAML or JSON file"),
                        json: bool = typer.Option(False, "--json", help="say what was stored as JSON")) -> None:
        """Check a passport file and store it (replaces a stored passport with the same id)."""
        from cellbench.sustainability.batterypass import export_batterypass, validate_batterypass
        from cellbench.store.records.passports import save_passport
        from cellbench.sustainability.passport import load_passport_file

        p = load_passport_file(path)
        validate_batterypass(export_batterypass(p))
        where = save_passport(p)
        if json:
            print_json({"id": p.id, "file": str(path), "stored": str(where)})
            return
        console.print(f"stored {p.id} at {where}")
