"""The step grammar: sentences in, Step fields out, and clear refusals of what is not a step."""

import pytest

from cellbench.errors import InputError
from cellbench.protocols import Step


@pytest.mark.parametrize("sentence, expected", [
    ("Discharge at 1C until 2.5 V", {"kind": "discharge", "c_rate": 1.0, "until_voltage_V": 2.5}),
    ("Charge at 6 C until 4.2 V", {"kind": "charge", "c_rate": 6.0, "until_voltage_V": 4.2}),
    ("Discharge at C/3 until 2.5V", {"kind": "discharge", "c_rate": 1 / 3, "until_voltage_V": 2.5}),
    ("Hold at 4.2 V until C/50", {"kind": "hold", "voltage_V": 4.2, "until_c_rate": 0.02}),
    ("Hold at 4.2V for 2 h or until 50 mA", {"kind": "hold", "voltage_V": 4.2, "duration_s": 7200.0,
                                              "until_current_A": 0.05}),
    ("Rest for 1 hour", {"kind": "rest", "duration_s": 3600.0}),
    ("Rest for 30 minutes", {"kind": "rest", "duration_s": 1800.0}),
    ("Discharge at 50 W for 30 s", {"kind": "discharge", "power_W": 50.0, "duration_s": 30.0}),
    ("Charge at 500 mA until 4.1 V", {"kind": "charge", "current_A": 0.5, "until_voltage_V": 4.1}),
    ("Discharge at 5C for 10 s or until 2.5 V", {"kind": "discharge", "c_rate": 5.0, "duration_s": 10.0,
                                                 "until_voltage_V": 2.5}),
    ("Discharge at 0.2C until 2.5 V at 0 °C", {"kind": "discharge", "c_rate": 0.2, "until_voltage_V": 2.5,
                                               "ambient_temperature_C": 0.0}),
    ("Rest for 1 h at -10 degC", {"kind": "rest", "duration_s": 3600.0, "ambient_temperature_C": -10.0}),
    ("Set SOC to 50%", {"kind": "set_soc", "soc_pct": 50.0}),
    ("Discharge at 1C until Vmin", {"kind": "discharge", "c_rate": 1.0, "until_voltage_V": "min"}),
    ("Hold at Vmax until C/20", {"kind": "hold", "voltage_V": "max", "until_c_rate": 0.05}),
])
def test_sentences_parse_to_the_intended_fields(sentence, expected):
    step = Step.parse(sentence)
    fields = step.model_dump(exclude_none=True, exclude={"text"})
    assert fields == pytest.approx(expected) if all(isinstance(v, float) for v in expected.values()) else fields == expected


@pytest.mark.parametrize("sentence", ["Discharge at 1C until 2.5 V", "Hold at 4.2 V until C/50",
                                      "Discharge at 5C for 10 s or until Vmin", "Set SOC to 20%"])
def test_a_step_written_back_parses_to_the_same_step(sentence):
    step = Step.parse(sentence)
    bare = step.model_copy(update={"text": ""})
    assert Step.parse(bare.sentence).model_copy(update={"text": ""}) == bare


@pytest.mark.parametrize("sentence, message", [
    ("Dischrge at 1C until 2.5 V", "start with Discharge, Charge, Hold, Rest"),
    ("Discharge at 1X until 2.5 V", "cannot read the set-point '1X'"),
    ("Discharge at 1C", "needs a duration or an 'until' voltage"),
    ("Rest for 1 fortnight", "unknown time unit 'fortnight'"),
    ("Hold at 4.2 V until 3 V", "a hold step ends after a duration or when the current falls"),
    ("Charge at 1C until C/20", "'until' a current is only for hold steps"),
    ("Set SOC to 150%", "soc_pct"),
    ("Rest for 10 s or until 4 V", "a rest step takes only a duration"),
])
def test_bad_steps_are_refused_with_what_was_expected(sentence, message):
    with pytest.raises(InputError) as info:
        Step.parse(sentence)
    assert message in str(info.value)
    assert sentence.split()[0] in str(info.value)  # the message quotes the step


def test_current_resolves_against_capacity():
    assert Step.parse("Discharge at C/2 until 2.5 V").current_magnitude_A(5.0) == pytest.approx(2.5)
    assert Step.parse("Discharge at 3 A until 2.5 V").current_magnitude_A(5.0) == 3.0
    assert Step.parse("Hold at 4.2 V until C/50").current_limit_A(5.0) == pytest.approx(0.1)
