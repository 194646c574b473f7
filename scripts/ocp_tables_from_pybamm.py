"""Sample PyBaMM's published OCP fits into the tables stored in materials/data/*.yaml.

Run: .venv/bin/python scripts/ocp_tables_from_pybamm.py  (prints YAML fragments; paste into the material files).
The tables are data, so the simulator and the design figures need no PyBaMM function to read them.

The tables' stoichiometry is lithium per formula unit (x = 1: LiMO2, LiC6, Li3.75Si), so that a material's
capacity is F·Δx·n/(3.6·M) over its window. A parameter set's own axis is c/c_max with its own c_max, which is
not always the site density ρ/M of the crystal; each fit is therefore read through the linear map
x_set = (x − a)/b stated below, with the reason.
"""

import numpy as np
import pybamm
from pybamm.input.parameters.lithium_ion import Chen2020, Chen2020_composite, Mohtat2020, Prada2013

FARADAY = 96485.33212


def theoretical_mAh_g(molar_mass, n=1.0):
    return FARADAY * n / (3.6 * molar_mass)


# NCM811: Chen2020's window 0.2661-0.9084 is stretched to the half-cell window of 200 mAh/g (Δx = 200/275.5),
# with the fully lithiated end of its fit (x_set = 0.96) at x = 1.
_b811 = 200.0 / theoretical_mAh_g(97.28) / (0.9084 - 0.2661)
# NCM523: Mohtat2020's 4.2 V (x_set 0.0958) to 3.0 V (x_set 0.9942) span carries 165 mAh/g (Δx = 165/277.6),
# with x_set = 1 at x = 1.
_b523 = 165.0 / theoretical_mAh_g(96.55) / (0.9942 - 0.0958)
# Graphite and silicon: c/c_max rescaled by the parameter set's c_max over the site density ρ·n/M.
_bgr = 33133.0 / (2.26e6 / 72.066)
_bsi = 278000.0 / (2.33e6 / 28.086 * 3.75)

# name: (fit, (a, b) with x = a + b·x_set, x range of the table)
FITS = {
    "ncm811 (Chen2020 nmc_LGM50_ocp_Chen2020)": (Chen2020.nmc_LGM50_ocp_Chen2020, (1 - 0.96 * _b811, _b811),
                                                 (1 - (0.96 - 0.22) * _b811, 1.0)),
    "graphite (Chen2020 graphite_LGM50_ocp_Chen2020)": (Chen2020.graphite_LGM50_ocp_Chen2020, (0.0, _bgr), (0.0, 1.0)),
    "silicon (Chen2020_composite silicon_ocp_average_Mark2016)": (Chen2020_composite.silicon_ocp_average_Mark2016,
                                                                  (0.0, _bsi), (0.005 * _bsi, 0.995 * _bsi)),
    "ncm523 (Mohtat2020 NMC_ocp_PeymanMPM)": (Mohtat2020.NMC_ocp_PeymanMPM, (1 - _b523, _b523), (1 - 0.95 * _b523, 1.0)),
    "lfp (Prada2013 LFP_ocp_Afshar2017)": (Prada2013.LFP_ocp_Afshar2017, (0.0, 1.0), (0.005, 0.995)),
}


def _evaluate(fn, x):
    try:
        return fn(pybamm.Scalar(x)).evaluate()
    except Exception:  # some fits are written for plain numbers
        return fn(float(x))


def sample(fn, mapping, lo, hi, n=61):
    a, b = mapping
    # cosine spacing: denser near the ends, where OCP curves bend sharply
    x = lo + (hi - lo) * (1 - np.cos(np.linspace(0, np.pi, n))) / 2
    v = [float(_evaluate(fn, (xi - a) / b)) for xi in x]
    return x, v


if __name__ == "__main__":
    for name, (fn, mapping, (lo, hi)) in FITS.items():
        s, v = sample(fn, mapping, lo, hi)
        print(f"# {name}: x = {mapping[0]:.6f} + {mapping[1]:.6f} x_set")
        print("ocp:")
        print("  stoichiometry: [" + ", ".join(f"{x:.4f}" for x in s) + "]")
        print("  potential_V: [" + ", ".join(f"{y:.4f}" for y in v) + "]")
