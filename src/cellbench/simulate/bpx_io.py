"""Battery Parameter eXchange (BPX): read a BPX file as a simulatable cell, write a cell as BPX.

BPX carries a DFN parameterisation (geometry, transport, OCP tables, kinetics) that PyBaMM and other tools
read. What it cannot say — an interfacial film resistance — goes in BPX's "User-defined" section under
cellbench names, so a cellbench round trip is exact while other tools see plain Butler–Volmer kinetics
(the contact ratio is folded into the reaction rate constant, which is exact for Butler–Volmer).

>>> from cellbench.simulate import to_pybamm
>>> from cellbench import cells
>>> write_bpx(to_pybamm(cells.load("std-2.1")), "std-2.1.bpx.json")  # writes a file  # doctest: +SKIP
>>> cell = read_bpx("std-2.1.bpx.json")                                 # doctest: +SKIP
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import pybamm

from cellbench.errors import InputError
from cellbench.simulate import parameter_functions as fn
from cellbench.simulate.pybamm_cell import PybammCell, parameter_hash

BPX_VERSION = "1.0.0"
SIDES = (("Negative", "negative"), ("Positive", "positive"))
USER_FILM = "cellbench: {side} electrode film resistance [Ohm.m2]"
USER_CONTACT = "cellbench: {side} electrode contact ratio"


def write_bpx(cell: PybammCell, path: str | Path) -> Path:
    """Write `cell` (from :func:`cellbench.simulate.to_pybamm`) as a BPX JSON file; returns the path."""
    if cell.lithium_metal_anode:
        raise InputError("BPX describes two porous electrodes; a lithium-metal cell cannot be exported",
                         location=cell.name)
    pv = cell.parameter_values
    width, height = pv["Electrode width [m]"], pv["Electrode height [m]"]
    cell_section = {
        "Electrode area [m2]": width * height,
        "External surface area [m2]": pv["Cell cooling surface area [m2]"],
        "Volume [m3]": pv["Cell volume [m3]"],
        "Number of electrode pairs connected in parallel to make a cell": int(
            pv["Number of electrodes connected in parallel to make a cell"]),
        "Lower voltage cut-off [V]": cell.voltage_min_V,
        "Upper voltage cut-off [V]": cell.voltage_max_V,
        "Nominal cell capacity [A.h]": cell.nominal_capacity_Ah,
        "Reference temperature [K]": fn.T_REF_K,
        "Density [kg.m-3]": pv["Positive electrode density [kg.m-3]"],
        "Specific heat capacity [J.K-1.kg-1]": pv["Positive electrode specific heat capacity [J.kg-1.K-1]"],
    }
    electrolyte = _electrolyte_section(pv)
    electrodes = {}
    # PyBaMM reads these from User-defined; without them it falls back to the cut-offs and warns.
    user: dict[str, Any] = {"Open-circuit voltage at 0% SOC [V]": cell.voltage_min_V,
                            "Open-circuit voltage at 100% SOC [V]": cell.voltage_max_V}
    for side, lower in SIDES:
        x_lo, x_hi = sorted(cell.stoichiometry_0_100[lower])
        c_max = pv[f"Maximum concentration in {lower} electrode [mol.m-3]"]
        eps = pv[f"{side} electrode porosity"]
        am = pv[f"{side} electrode active material volume fraction"]
        radius = pv[f"{side} particle radius [m]"]
        contact = pv[f"{side} electrode contact ratio"]
        j_ref = pv[f"{side} electrode exchange-current density at 25 C [A.m-2]"]
        ocp = pv[f"{side} electrode OCP [V]"]
        electrodes[f"{side} electrode"] = {
            "Thickness [m]": pv[f"{side} electrode thickness [m]"],
            "Porosity": eps,
            "Transport efficiency": eps ** pv[f"{side} electrode Bruggeman coefficient (electrolyte)"],
            "Conductivity [S.m-1]": pv[f"{side} electrode conductivity [S.m-1]"],
            "Minimum stoichiometry": x_lo,
            "Maximum stoichiometry": x_hi,
            "Maximum concentration [mol.m-3]": c_max,
            "Particle radius [m]": radius,
            "Surface area per unit volume [m-1]": 3 * am / radius,
            "Diffusivity [m2.s-1]": pv[f"{side} particle diffusivity at 25 C [m2.s-1]"],
            "Diffusivity activation energy [J.mol-1]": pv[f"{side} particle diffusivity activation energy [J.mol-1]"],
            "OCP [V]": {"x": [float(v) for v in ocp.stoichiometry], "y": [float(v) for v in ocp.potential_V]},
            "Entropic change coefficient [V.K-1]": 0.0,
            # BPX: j0 = F k sqrt((ce/ce0) x (1-x)), so j0 at half lithiation is F k / 2.
            "Reaction rate constant [mol.m-2.s-1]": 2 * contact * j_ref / fn.FARADAY,
            "Reaction rate constant activation energy [J.mol-1]":
                pv[f"{side} electrode exchange-current activation energy [J.mol-1]"],
        }
        user[USER_FILM.format(side=side)] = pv[f"{side} electrode film resistance [Ohm.m2]"]
        user[USER_CONTACT.format(side=side)] = contact
    separator = {"Thickness [m]": pv["Separator thickness [m]"], "Porosity": pv["Separator porosity"],
                 "Transport efficiency": pv["Separator porosity"] ** pv["Separator Bruggeman coefficient (electrolyte)"]}
    document = {
        "Header": {"BPX": BPX_VERSION, "Title": cell.name, "Model": "DFN",
                   "Description": f"Exported by cellbench from {cell.name} (design {cell.design_hash}); cellbench-only "
                                  "terms in User-defined.",
                   "References": "; ".join(str(v) for v in (cell.notes.get("sources") or {}).values()) or "cellbench"},
        "Parameterisation": {"Cell": cell_section, "Electrolyte": electrolyte, **electrodes, "Separator": separator,
                             "User-defined": user},
        "State": {"Initial conditions": {"Initial electrolyte concentration [mol.m-3]":
                                         pv["Initial concentration in electrolyte [mol.m-3]"],
                                         "Initial temperature [K]": fn.T_REF_K},
                  "Thermal environment": {"Ambient temperature [K]": fn.T_REF_K,
                                          "Heat transfer coefficient [W.m-2.K-1]":
                                              pv["Total heat transfer coefficient [W.m-2.K-1]"]}},
    }
    import bpx

    bpx.parse_bpx_obj(json.loads(json.dumps(document)))  # validate against the schema before writing
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(document, indent=2), encoding="utf-8")
    tmp.replace(path)
    return path


def _electrolyte_section(pv) -> dict[str, Any]:
    energy = pv["Electrolyte conductivity activation energy [J.mol-1]"]
    t_plus = pv["Cation transference number"]
    if "Solid electrolyte conductivity at 25 C [S.m-1]" in pv.keys():
        return {"Cation transference number": t_plus,
                "Conductivity [S.m-1]": pv["Solid electrolyte conductivity at 25 C [S.m-1]"],
                "Conductivity activation energy [J.mol-1]": energy,
                "Diffusivity [m2.s-1]": pv["Solid electrolyte nominal diffusivity [m2.s-1]"],
                "Diffusivity activation energy [J.mol-1]": energy}
    # Liquid: Nyman's concentration shape scaled to the record's value, as an expression in x (mol/m3).
    c_ref = pv["Reference electrolyte concentration [mol.m-3]"] / 1000
    a, b, c = fn.NYMAN_KAPPA
    kappa = pv["Liquid electrolyte conductivity at 25 C [S.m-1]"] / fn.nyman_conductivity_shape(c_ref)
    da, db, dc = fn.NYMAN_DIFFUSIVITY
    diff = pv["Liquid electrolyte diffusivity at 25 C [m2.s-1]"] / fn.nyman_diffusivity_shape(c_ref)
    return {"Cation transference number": t_plus,
            "Conductivity [S.m-1]": f"{kappa!r} * ({a!r} * (x / 1000) ** 3 + {b!r} * (x / 1000) ** 1.5 + {c!r} * (x / 1000))",
            "Conductivity activation energy [J.mol-1]": energy,
            "Diffusivity [m2.s-1]": f"{diff!r} * ({da!r} * (x / 1000) ** 2 + {db!r} * (x / 1000) + {dc!r})",
            "Diffusivity activation energy [J.mol-1]": pv["Electrolyte diffusivity activation energy [J.mol-1]"]}


def read_bpx(path: str | Path) -> PybammCell:
    """A simulatable cell from a BPX JSON file (PyBaMM reads the parameterisation; cellbench adds the
    voltage window, the SOC end-points and, if present, its own film resistance and contact ratio)."""
    import bpx

    path = Path(path)
    try:
        document = bpx.parse_bpx_file(str(path))
    except FileNotFoundError as exc:
        raise InputError("file not found", source=str(path)) from exc
    except Exception as exc:  # bpx raises pydantic ValidationError and JSON errors
        raise InputError(f"not a valid BPX file ({str(exc).splitlines()[0]})", source=str(path)) from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pv = pybamm.ParameterValues.create_from_bpx(str(path))
    para = document.parameterisation
    if not hasattr(para, "electrolyte"):
        raise InputError("an SPM-only BPX file has no electrolyte; cellbench needs a DFN parameterisation",
                         source=str(path))
    window = {}
    for side, lower in SIDES:
        electrode = getattr(para, f"{lower}_electrode")
        if not hasattr(electrode, "minimum_stoichiometry"):
            raise InputError("blended electrodes are not supported yet", source=str(path), location=f"{side} electrode")
        lo, hi = electrode.minimum_stoichiometry, electrode.maximum_stoichiometry
        window[lower] = (lo, hi) if lower == "negative" else (hi, lo)  # (0 % SOC, 100 % SOC)
    _restore_cellbench_terms(pv, para, str(path))
    capacity = para.cell.nominal_cell_capacity
    pv.update({"Nominal cell capacity [A.h]": capacity, "Current function [A]": capacity}, check_already_exists=False)
    return PybammCell(name=document.header.title or path.stem, parameter_values=pv, nominal_capacity_Ah=capacity,
                      voltage_min_V=para.cell.lower_voltage_cutoff, voltage_max_V=para.cell.upper_voltage_cutoff,
                      stoichiometry_0_100=window, design_hash=parameter_hash(pv),
                      notes={"source": f"BPX file {path.name}", "sources": {"bpx": document.header.references or ""}})


def _restore_cellbench_terms(pv, para, source: str) -> None:
    """Put back cellbench's exchange-current form when the file carries its film and contact terms."""
    user = dict(para.user_defined) if para.user_defined else {}
    for side, lower in SIDES:
        film = user.get(USER_FILM.format(side=side))
        if film is None:
            continue
        contact = float(user.get(USER_CONTACT.format(side=side), 1.0))
        electrode = getattr(para, f"{lower}_electrode")
        k = electrode.reaction_rate_constant
        pv.update({
            f"{side} electrode exchange-current density [A.m-2]": getattr(fn, f"{lower}_exchange_current_density"),
            f"{side} electrode exchange-current density at 25 C [A.m-2]": k * fn.FARADAY / 2 / contact,
            f"{side} electrode exchange-current activation energy [J.mol-1]":
                electrode.reaction_rate_constant_activation_energy,
            f"{side} electrode contact ratio": contact,
            f"{side} electrode film resistance [Ohm.m2]": float(film),
            f"{side} electrode film resistance in kinetics [Ohm.m2]":
                pybamm.Parameter(f"{side} electrode film resistance [Ohm.m2]"),
            "Reference electrolyte concentration [mol.m-3]": pv["Initial concentration in electrolyte [mol.m-3]"],
        }, check_already_exists=False)
