"""Protocols: sequences, repeats, cycles, YAML files and the voltage-window check."""

import pytest

from cellbench.errors import InputError
from cellbench.protocols import Protocol, Repeat, bundled


def test_semicolons_and_new_lines_separate_steps():
    p = Protocol.parse("Discharge at 1C until 2.5 V; Rest for 1 hour\nCharge at 1C until 4.2 V")
    assert [s.kind for s in p.steps] == ["discharge", "rest", "charge"]


def test_repeats_unroll_with_step_index_and_cycle_numbers():
    p = Protocol.parse("Set SOC to 100%; (Discharge at 1C until 2.5 V; Charge at 1C until 4.2 V) x 3; Rest for 1 s")
    planned = p.expand()
    assert [(x.step_index, x.cycle) for x in planned] == [
        (1, 1), (2, 1), (3, 1), (2, 2), (3, 2), (2, 3), (3, 3), (4, 4)]
    assert isinstance(p.steps[1], Repeat) and p.steps[1].times == 3


def test_nested_repeats_stay_inside_their_outer_cycle():
    p = Protocol.parse("((Discharge at 1C for 10 s; Rest for 10 s) x 2; Charge at 1C for 20 s) x 2")
    cycles = [x.cycle for x in p.expand()]
    assert cycles == [1, 1, 1, 1, 1, 2, 2, 2, 2, 2]


def test_unbalanced_parentheses_are_refused():
    with pytest.raises(InputError, match="unmatched"):
        Protocol.parse("(Discharge at 1C until 2.5 V x 2")


def test_a_bad_step_names_its_column():
    with pytest.raises(InputError, match="column 29"):
        Protocol.parse("Discharge at 1C until 2.5 V; Dance for 1 hour")


def test_yaml_protocol_with_repeat_and_step_temperature(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("name: cold\nambient_temperature_C: 25\nsteps:\n  - Set SOC to 100%\n"
                    "  - repeat: 2\n    steps:\n      - Discharge at 1C until Vmin\n      - Charge at 1C until Vmax\n"
                    "  - step: Discharge at 0.2C until Vmin\n    ambient_temperature_C: 0\n", encoding="utf-8")
    p = Protocol.load(path)
    assert p.name == "cold" and p.ambient_temperature_C == 25
    planned = p.expand()
    assert len(planned) == 6
    assert planned[-1].step.ambient_temperature_C == 0.0


@pytest.mark.parametrize("body, message", [
    ("steps:\n  - Discharge at 1C until 2.5 V\n  - Rest for 1 parsec\n", "steps[1]"),
    ("name: x\nstep: []\n", "unknown field(s) step"),
    ("steps: []\n", "non-empty list"),
    ("steps:\n  - repeat: 0\n    steps: [Rest for 1 s]\n", "whole number"),
    ("steps:\n  - {step: Rest for 1 s, colour: red}\n", "unknown field(s) colour"),
])
def test_bad_yaml_protocols_name_the_file_and_field(tmp_path, body, message):
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as info:
        Protocol.load(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)


def test_protocol_outside_the_cell_window_is_refused_naming_the_step():
    p = Protocol.parse("Charge at 1C until 4.4 V")
    with pytest.raises(InputError) as info:
        p.check_voltage_window(2.5, 4.2, cell="std-2.1")
    assert "4.4 V is outside std-2.1's window 2.5–4.2 V" in str(info.value)
    assert "step 1" in str(info.value)
    Protocol.parse("Charge at 1C until Vmax; Hold at 4.2 V until C/20").check_voltage_window(2.5, 4.2)


def test_bundled_protocols_load_and_write_back():
    names = bundled()
    assert {"capacity-c10", "fast-charge-6c", "pulse-3soc", "cccv-cycle"} <= set(names)
    for name in names:
        p = Protocol.load(name)
        assert Protocol.parse(p.sentences).expand() == p.expand() or len(Protocol.parse(p.sentences).expand()) == len(p.expand())


def test_from_any_accepts_sentences_names_and_protocols():
    p = Protocol.parse("Rest for 1 s")
    assert Protocol.from_any(p) is p
    assert Protocol.from_any("capacity-c10").name == "capacity-c10"
    assert Protocol.from_any("Rest for 2 s").steps[0].duration_s == 2.0
