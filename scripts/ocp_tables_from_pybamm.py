"""Sample PyBaMM's published OCP fits into the tables stored in materials/data/*.yaml.

Run: .venv/bin/python scripts/ocp_tables_from_pybamm.py  (prints YAML fragments; paste into the material files).
The tables are data, so the simulator and the design figures need no PyBaMM function to read them.
"""

import numpy as np
import pybamm
from pybamm.input.parameters.lithium_ion import Chen2020, Chen2020_composite, Mohtat2020, Prada2013

FITS = {
    "ncm811 (Chen2020 nmc_LGM50_ocp_Chen2020)": (Chen2020.nmc_LGM50_ocp_Chen2020, 0.22, 0.96),
    "graphite (Chen2020 graphite_LGM50_ocp_Chen2020)": (Chen2020.graphite_LGM50_ocp_Chen2020, 0.0, 1.0),
    "silicon (Chen2020_composite silicon_ocp_average_Mark2016)": (Chen2020_composite.silicon_ocp_average_Mark2016, 0.005, 0.995),
    "ncm523 (Mohtat2020 NMC_ocp_PeymanMPM)": (Mohtat2020.NMC_ocp_PeymanMPM, 0.05, 1.0),
    "lfp (Prada2013 LFP_ocp_Afshar2017)": (Prada2013.LFP_ocp_Afshar2017, 0.005, 0.995),
}


def _evaluate(fn, x):
    try:
        return fn(pybamm.Scalar(x)).evaluate()
    except Exception:  # some fits are written for plain numbers
        return fn(float(x))


def sample(fn, lo, hi, n=61):
    # cosine spacing: denser near the ends, where OCP curves bend sharply
    s = lo + (hi - lo) * (1 - np.cos(np.linspace(0, np.pi, n))) / 2
    v = [float(_evaluate(fn, x)) for x in s]
    return s, v


for name, (fn, lo, hi) in FITS.items():
    s, v = sample(fn, lo, hi)
    print(f"# {name}")
    print("ocp:")
    print("  stoichiometry: [" + ", ".join(f"{x:.4f}" for x in s) + "]")
    print("  potential_V: [" + ", ".join(f"{y:.4f}" for y in v) + "]")
