"""EIS: reading spectra (real BioLogic .mpr, text exports, Maccor), circuit fits, arcs tracked over ageing."""

import numpy as np
import pytest
from real_data import real_file

from cellbench.durability.eis import Spectrum, circuit_impedance, fit_spectrum, read_spectrum, track_resistances
from cellbench.errors import InputError

FREQ = np.logspace(5, -2, 70)


def synthetic(r0, r_mid, r_low, noise=0.0, seed=0):
    z = circuit_impedance("R0-p(R1,CPE1)-p(R2,CPE2)", [r0, r_mid, 2e-2, 0.9, r_low, 20.0, 0.8], FREQ)
    rng = np.random.default_rng(seed)
    z = z * (1 + rng.normal(0, noise, len(z)))
    return Spectrum.from_arrays(FREQ, z.real, -z.imag)


def test_fit_recovers_the_circuit_resistances_from_a_noisy_spectrum():
    fit = fit_spectrum(synthetic(0.015, 0.020, 0.060, noise=0.005))
    assert fit.resistances_ohm["R_ohmic"] == pytest.approx(0.015, rel=0.05)
    assert fit.resistances_ohm["R_middle"] == pytest.approx(0.020, rel=0.05)
    assert fit.resistances_ohm["R_low"] == pytest.approx(0.060, rel=0.05)


def test_track_resistances_reports_growth_of_both_arcs():
    spectra = [(0, synthetic(0.015, 0.020, 0.060)), (28, synthetic(0.016, 0.030, 0.075)), (42, synthetic(0.016, 0.036, 0.090))]
    table = track_resistances(spectra)
    assert table["R_middle_growth"].to_list() == pytest.approx([0.0, 0.5, 0.8], abs=0.01)
    assert table["R_low_growth"].to_list() == pytest.approx([0.0, 0.25, 0.5], abs=0.01)


def test_biologic_text_export_with_im_z_sign_flipped(tmp_path):
    z = circuit_impedance("R0-p(R1,CPE1)", [0.5, 1.5, 1e-3, 0.95], FREQ)
    lines = ["EC-Lab ASCII FILE", "Nb header lines : 3", "freq/Hz\tRe(Z)/Ohm\tIm(Z)/Ohm"]
    lines += [f"{f:.6e}\t{zz.real:.6e}\t{zz.imag:.6e}" for f, zz in zip(FREQ, z)]
    path = tmp_path / "peis.mpt"
    path.write_text("\n".join(lines))
    fit = fit_spectrum(read_spectrum(path), "R0-p(R1,CPE1)")
    assert fit.resistances_ohm["R_ohmic"] == pytest.approx(0.5, rel=1e-3)
    assert fit.resistances_ohm["R_arc1"] == pytest.approx(1.5, rel=1e-3)


def test_real_biologic_mpr_three_electrode_spectra_split_by_electrode():
    spectrum = read_spectrum(real_file("biol.mpr"))
    assert set(spectrum.electrodes()) == {"working", "counter", "cell"}
    working = spectrum.select(electrode="working", spectrum=1).data
    assert working.height == 64 and working["frequency_hertz"].max() == pytest.approx(100019.5, rel=1e-5)
    fit = fit_spectrum(spectrum, electrode="working", sweep=1)
    # the ohmic resistance sits at the high-frequency intercept: a little above the smallest Re Z of the sweep
    assert 6.0 < fit.resistances_ohm["R_ohmic"] < float(working["z_real_ohm"].min()) + 0.5


def test_maccor_raw_export_of_an_eis_procedure_is_told_where_the_spectrum_is():
    with pytest.raises(InputError, match="61 sample.*no impedance values"):
        read_spectrum(real_file("maccor_test_file_4267-66-6519.041"))


def test_file_without_impedance_columns_names_what_is_expected(tmp_path):
    path = tmp_path / "cycling.csv"
    path.write_text("Frequency,voltage\n1000,3.7\n")
    with pytest.raises(InputError, match="Re\\(Z\\)"):
        read_spectrum(path)


def test_unknown_circuit_is_an_input_error():
    with pytest.raises(InputError, match="circuit"):
        fit_spectrum(synthetic(0.01, 0.02, 0.03), "R0-q(R1)")
