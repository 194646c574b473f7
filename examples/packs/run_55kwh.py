"""The 55 kWh example of docs/pack.md: an all-solid-state pack from the next-generation standard cell, driven
through WLTC 3b flat and on a 5% grade, fast-charged at 6C from 10 to 80% with and without cooling, and the
combined scenario (6C, then WLTC 3b on 5%). Prints the numbers as a Markdown table and draws the figures.

Run from the repository root: ``python examples/packs/run_55kwh.py`` (about a minute on 2 cores).
Figures: SVG with matplotlib if it is installed (examples/packs/figures/), otherwise only the numbers.
"""

from __future__ import annotations

from pathlib import Path

from cellbench import pack

HERE = Path(__file__).parent


def main() -> None:
    spec = pack.PackSpec.load(HERE / "assb-55kwh.yaml")
    f = pack.pack_figures(spec)
    print(f"| pack | {f.series}s{f.parallel}p of {f.cell_id} | {f.energy_kWh:.1f} kWh | {f.wh_per_l:.0f} Wh/L | "
          f"{f.wh_per_kg:.0f} Wh/kg | packing efficiency {f.packing_efficiency:.2f} |")
    flat = pack.drive(spec, "wltc3b")
    steep = pack.drive(spec, "wltc3b", grade_pct=5)
    for name, r in (("WLTC 3b, flat", flat), ("WLTC 3b, 5% grade", steep)):
        s = r.summary()
        print(f"| {name} | {s['wh_per_km']} Wh/km | range {s['range_km']} km | max cell {s['max_cell_temperature_C']} °C "
              f"| final SOC {s['final_soc']} |")
    charges = {mode: pack.fast_charge(spec, c_rate=6, cooling=mode) for mode in ("none", "air", "liquid")}
    for mode, r in charges.items():
        s = r.summary()
        print(f"| 6C 10→80%, cooling {mode} | {s['time_min']} min | {s['energy_kwh']} kWh | +{s['temperature_rise_K']} K "
              f"| hottest {s['max_cell_temperature_C']} °C, spread {s['temperature_spread_K']} K |")
    combined = pack.charge_then_drive(spec, cooling="liquid")
    s = combined.summary()
    print(f"| 6C then WLTC 3b on 5%, liquid | hottest {s['max_cell_temperature_C']} °C | limit "
          f"{s['temperature_limit_C']} °C | within limit: {s['within_limit']} |")
    _figures(steep, charges)


def _figures(steep, charges) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("(matplotlib not installed: no figures)")
        return
    out = HERE / "figures"
    out.mkdir(exist_ok=True)
    fig, axes = plt.subplots(4, 1, figsize=(8, 9), sharex=True)
    axes[0].plot(steep.time_s, steep.speed_km_h)
    axes[0].set_ylabel("speed km/h")
    axes[1].plot(steep.time_s, steep.pack_power_kW)
    axes[1].set_ylabel("pack kW")
    axes[2].plot(steep.time_s, steep.soc)
    axes[2].set_ylabel("SOC")
    axes[3].plot(steep.time_s, steep.cell_run.temperature_C, label="mean cell")
    axes[3].plot(steep.heat.time_s, steep.heat.temperature_C.max(axis=0), label="hottest cell")
    axes[3].set_ylabel("°C")
    axes[3].set_xlabel("time (s)")
    axes[3].legend()
    axes[0].set_title("55 kWh ASSB pack, WLTC 3b on a 5% grade, no cooling")
    fig.tight_layout()
    fig.savefig(out / "wltc3b-grade5.svg")
    fig, ax = plt.subplots(figsize=(8, 4))
    for mode, r in charges.items():
        ax.plot(r.heat.time_s / 60, r.heat.temperature_C.max(axis=0), label=f"hottest cell, {mode}")
    ax.axhline(r.temperature_limit_C, color="grey", linestyle="--", label="limit (ASSB, 60 °C)")
    ax.set_xlabel("time (min)")
    ax.set_ylabel("°C")
    ax.set_title("6C CC-CV, 10 → 80% SOC")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "fastcharge-6c.svg")
    print(f"figures in {out}")


if __name__ == "__main__":
    main()
