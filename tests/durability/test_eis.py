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


# --- issue 22: confidence intervals and identifiability of the low-frequency values

def test_standard_errors_are_those_of_the_fit_covariance_as_impedance_py_gives_them():
    import warnings

    from impedance.models.circuits import CustomCircuit

    spectrum = synthetic(0.015, 0.020, 0.060, noise=0.005)
    fit = fit_spectrum(spectrum)
    z = spectrum.data["z_real_ohm"].to_numpy() - 1j * spectrum.data["z_imag_neg_ohm"].to_numpy()
    reference = CustomCircuit("R0-p(R1,CPE1)-p(R2,CPE2)", initial_guess=list(fit.parameters.values()))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference.fit(FREQ, z, bounds=([0] * 7, [np.inf, np.inf, np.inf, 1, np.inf, np.inf, 1]))
    assert list(fit.std_errors.values()) == pytest.approx(list(reference.conf_), rel=0.01)
    # a well-sampled spectrum identifies all three, and each 95 % interval holds the true value
    assert fit.identifiable == {"R_ohmic": True, "R_middle": True, "R_low": True} and fit.warnings == []
    for name, true in {"R_ohmic": 0.015, "R_middle": 0.020, "R_low": 0.060}.items():
        low, high = fit.resistance_ci95_ohm[name]
        assert low < true < high and high - low < 0.05 * true


def test_a_spectrum_stopping_before_the_low_arc_closes_flags_r_low_not_r_middle():
    # the low arc's time constant is (0.06·20)^(1/0.8) = 1.26 s (top near 0.13 Hz); stop the sweep at 0.5 Hz
    full = synthetic(0.015, 0.020, 0.060, noise=0.005)
    cut = Spectrum(full.data.filter(full.data["frequency_hertz"] >= 0.5))
    fit = fit_spectrum(cut)
    assert fit.identifiable["R_low"] is False and fit.identifiable["R_middle"] is True
    assert fit.arc_closed_share["R_low"] < 0.9 < fit.arc_closed_share["R_middle"]
    assert fit.lowest_frequency_Hz >= 0.5
    assert any(w.startswith("R_low: the arc does not close by the lowest frequency") for w in fit.warnings)


def test_real_biologic_spectrum_r_low_is_not_identifiable_and_says_why():
    spectrum = read_spectrum(real_file("biol.mpr"))
    cell = fit_spectrum(spectrum, electrode="cell", sweep=1)
    # −Im Z is still at its largest at the lowest frequency, 0.05 Hz: the low arc has not even peaked
    assert cell.lowest_frequency_Hz == pytest.approx(0.05, rel=0.01)
    assert cell.identifiable == {"R_ohmic": True, "R_middle": True, "R_low": False}
    assert cell.arc_closed_share["R_low"] < 0.05
    assert any("does not close by the lowest frequency (0.05 Hz)" in w for w in cell.warnings)
    low, high = cell.resistance_ci95_ohm["R_middle"]
    assert low < cell.resistances_ohm["R_middle"] < high and (high - low) < 0.1 * cell.resistances_ohm["R_middle"]
    # the working electrode's low arc runs off to 1e8 Ω: an interval wider than the value
    working = fit_spectrum(spectrum, electrode="working", sweep=1)
    assert working.identifiable["R_low"] is False
    assert any("wider than the value" in w for w in working.warnings)
    # the counter electrode (Re Z < 0 at low frequency) is not an R-CPE spectrum at all
    counter = fit_spectrum(spectrum, electrode="counter", sweep=1)
    assert not any(counter.identifiable.values())
    assert counter.warnings[0].startswith("the circuit does not describe this spectrum")


def test_cli_eis_json_carries_intervals_and_identifiability():
    import json

    from typer.testing import CliRunner

    from cellbench.cli import app

    done = CliRunner().invoke(app, ["eis", str(real_file("biol.mpr")), "--electrode", "cell", "--sweep", "1", "--json"])
    assert done.exit_code == 0, done.output
    cell = json.loads(done.output)["electrodes"]["cell"]
    assert cell["identifiable"]["R_low"] is False and cell["identifiable"]["R_middle"] is True
    low, high = cell["resistance_ci95_ohm"]["R_middle"]
    assert low < cell["resistances_ohm"]["R_middle"] < high
    text = CliRunner().invoke(app, ["eis", str(real_file("biol.mpr")), "--electrode", "cell", "--sweep", "1"])
    assert "✗" in text.output and "does not close" in text.output
