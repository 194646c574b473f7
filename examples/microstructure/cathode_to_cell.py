"""From a generated cathode microstructure to the standard cell's design, and what it does at 2C.

1. Take a catalogue cell's cathode phase fractions (active material, argyrodite, void + carbon).
2. Generate a 0.3 µm-voxel volume: NCM spheres and small pores in an electrolyte matrix; save it as
   .npy with its YAML description (so `cellbench tortuosity cathode.npy --reference` reads it too).
3. Random-walk τ along x (through the electrode), beside the conduction solve; contact ratio.
4. Put τ and the contact ratio into the design (replacing Bruggeman) and, with --simulate, compare the
   2C discharge capacity against the Bruggeman default.

    python examples/microstructure/cathode_to_cell.py --out /tmp/cathode --simulate
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cellbench.microstructure as ms
from cellbench import cells


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cell", default="nextgen-std", help="an ASSB catalogue cell (nextgen-std: 105 µm cathode)")
    parser.add_argument("--size", type=int, default=64, help="volume edge in voxels")
    parser.add_argument("--out", type=Path, default=Path("."), help="folder for cathode.npy and cathode.yaml")
    parser.add_argument("--simulate", action="store_true", help="also run a 2C discharge (PyBaMM, ~20 s)")
    args = parser.parse_args()

    design = cells.load(args.cell)
    fractions = ms.layer_phase_fractions(design, "cathode")
    volume = ms.sphere_packing((args.size,) * 3, voxel_size_um=0.3, fractions=fractions, seed=1,
                               radius_um={"active_material": 2.5, "void": 0.6})
    args.out.mkdir(parents=True, exist_ok=True)
    ms.save_volume(volume, args.out / "cathode.npy")
    print(f"{design.id} cathode fractions: " + ", ".join(f"{k} {v:.3f}" for k, v in fractions.items()))
    print(f"wrote {args.out / 'cathode.npy'} ({volume.size_um[0]:.1f} µm on a side) and its .yaml")

    result = ms.tortuosity(volume, phase="solid_electrolyte", axis="x", target_rel_stderr=0.02, reference=True)
    bruggeman = fractions["solid_electrolyte"] ** -0.5
    print(f"τ random walk {result.tau:.3f} ± {result.tau_stderr:.3f}, conduction solve {result.reference_tau:.3f}, "
          f"Bruggeman ε^-0.5 {bruggeman:.3f}")
    print(f"σ_eff/σ {result.effective_conductivity_ratio:.4f}, contact ratio {result.contact_ratio:.3f}")

    measured = ms.apply_to_design(design, "cathode", result)
    print(f"design cathode: path_resistance_coefficient {measured.cathode.path_resistance_coefficient:.3f}, "
          f"contact_ratio {measured.cathode.contact_ratio:.3f}")

    if args.simulate:
        from cellbench.measurements import schema as S
        from cellbench.protocols import Protocol
        from cellbench.simulate import run_protocol
        from cellbench.simulate.design_to_pybamm import to_pybamm

        protocol = Protocol.parse(f"Discharge at 2C until {design.voltage_min_V} V")
        from cellbench.errors import SimulationError

        for label, candidate in (("Bruggeman default", design), ("from microstructure", measured)):
            try:
                data = run_protocol(to_pybamm(candidate), protocol).data
            except SimulationError as exc:
                print(f"2C discharge, {label}: {exc}")
                continue
            print(f"2C discharge, {label}: {1000 * float(data[S.DISCHARGE_CAPACITY].max()):.3f} mAh "
                  f"of {cells.figures(candidate).capacity_mAh:.3f} mAh")


if __name__ == "__main__":
    main()
