"""Bad scenario files are refused with the file and the field named."""

import textwrap

import pytest

from cellbench.errors import InputError
from cellbench.scenarios import load_scenario, run_scenario

BASE = """
name: test
years: {first: 2025, last: 2030}
market:
  2025: {passenger: 1000, commercial: 100}
  2030: {passenger: 1000, commercial: 100}
segments:
  passenger:
    adoption: {model: s_curve, xev_share: 0.2, ev_fraction: 0.5}
  commercial:
    adoption: {model: s_curve, xev_share: 0.1, ev_fraction: 0.5}
"""


def write(tmp_path, text, name="scenario.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def refused(tmp_path, text, name="scenario.yaml"):
    with pytest.raises(InputError) as info:
        load_scenario(write(tmp_path, text, name))
    return str(info.value)


def test_base_file_is_valid(tmp_path):
    assert load_scenario(write(tmp_path, BASE)).name == "test"


def test_share_above_100_percent(tmp_path):
    text = BASE.replace("xev_share: 0.2,", "xev_share: {2025: 0.2, 2030: '120%'},")
    message = refused(tmp_path, text)
    assert "scenario.yaml" in message
    assert "field 'segments.passenger.adoption.xev_share'" in message and "above 100%" in message


def test_years_out_of_order_in_market(tmp_path):
    text = BASE.replace("  2025: {passenger: 1000, commercial: 100}\n  2030: {passenger: 1000, commercial: 100}",
                        "  2030: {passenger: 1000, commercial: 100}\n  2025: {passenger: 1000, commercial: 100}")
    assert "field 'market': years out of order: 2025 is written after 2030" in refused(tmp_path, text)


def test_years_out_of_order_in_a_trajectory(tmp_path):
    text = BASE.replace("ev_fraction: 0.5}\n  commercial", "ev_fraction: {2030: 0.5, 2020: 0.1}}\n  commercial")
    assert "field 'segments.passenger.adoption.ev_fraction': years out of order" in refused(tmp_path, text)


def test_last_year_before_first(tmp_path):
    text = BASE.replace("{first: 2025, last: 2030}", "{first: 2030, last: 2025}")
    assert "field 'years': years out of order: last 2025 is before first 2030" in refused(tmp_path, text)


def test_missing_segment_in_market(tmp_path):
    text = BASE.replace("  2030: {passenger: 1000, commercial: 100}", "  2030: {passenger: 1000}")
    assert "field 'market.2030': missing segment 'commercial'" in refused(tmp_path, text)


def test_market_segment_without_a_model(tmp_path):
    text = BASE.replace("  2030: {passenger: 1000, commercial: 100}", "  2030: {passenger: 1000, commercial: 1, buses: 5}")
    assert "field 'market.2030': segment 'buses' is not defined under 'segments'" in refused(tmp_path, text)


def test_unknown_field_is_named(tmp_path):
    text = BASE.replace("  commercial:\n    adoption", "  commercial:\n    colour: red\n    adoption")
    assert "field 'segments.commercial.colour': Extra inputs are not permitted" in refused(tmp_path, text)


def test_respondent_weights_must_sum_to_100_percent(tmp_path):
    pw = ("{power_type: {petrol: 0, ev: 0}, price_gap_per_10k_yen: 0, phev_range_per_km: 0, ev_range_per_km: 0, "
          "running_cost_per_10k_yen_year: 0, resale_value_per_percent: 0, fast_charge_time_per_min: 0, "
          "fast_chargers_per_10k: 0}")
    text = BASE.replace("adoption: {model: s_curve, xev_share: 0.2, ev_fraction: 0.5}", f"""adoption:
      model: conjoint
      fast_chargers_thousand: 10
      part_worths:
        - {{name: a, weight: 0.7, part_worths: {pw}}}
        - {{name: b, weight: 0.4, part_worths: {pw}}}
      alternatives:
        petrol: {{powertrain: petrol}}
        ev: {{powertrain: ev, battery: liquid, electric_range_km: 300}}""")
    assert "weights sum to 110%, expected 100%" in refused(tmp_path, text)


def test_plug_in_alternative_needs_a_chemistry(tmp_path):
    text = BASE.replace("adoption: {model: s_curve, xev_share: 0.2, ev_fraction: 0.5}", """adoption:
      model: conjoint
      fast_chargers_thousand: 10
      part_worths: japan-passenger-2021
      alternatives:
        petrol: {powertrain: petrol}
        ev: {powertrain: ev, electric_range_km: 300}""")
    message = refused(tmp_path, text)
    assert "segments.passenger.adoption.alternatives.ev" in message and "needs 'battery'" in message


def test_unknown_part_worth_set_is_named_at_run_time(tmp_path):
    text = BASE.replace("adoption: {model: s_curve, xev_share: 0.2, ev_fraction: 0.5}", """adoption:
      model: conjoint
      fast_chargers_thousand: 10
      part_worths: nowhere
      alternatives:
        petrol: {powertrain: petrol}""")
    with pytest.raises(InputError, match="no packaged part-worth set 'nowhere' .known: japan-passenger-2021"):
        run_scenario(load_scenario(write(tmp_path, text)))


def test_recovery_rate_above_one(tmp_path):
    text = BASE + "recycling: {recovery_rates: {Li: 1.2}}\n"
    assert "recovery rate of Li is 1.2, expected 0 to 1" in refused(tmp_path, text)


def test_extends_overrides_the_base_file(tmp_path):
    write(tmp_path, BASE, "base.yaml")
    child = write(tmp_path, """
        extends: base.yaml
        name: child
        segments:
          passenger:
            adoption: {assb_share: 0.5}
        """, "child.yaml")
    scenario = load_scenario(child)
    assert scenario.name == "child" and scenario.years.first == 2025
    adoption = scenario.segments["passenger"].adoption
    assert adoption.assb_share.at(2030) == 0.5 and adoption.xev_share.at(2030) == 0.2


def test_yaml_syntax_error_names_the_line(tmp_path):
    message = refused(tmp_path, "name: x\nyears: [1, 2\n")
    assert "scenario.yaml" in message and "line" in message


def test_geometric_market_needs_positive_sales(tmp_path):
    text = BASE.replace("  2030: {passenger: 1000, commercial: 100}", "  2030: {passenger: 1000, commercial: 0}")
    text += "market_interpolation: geometric\n"
    assert "field 'market.2030': geometric interpolation needs sales above zero" in refused(tmp_path, text)


def test_zero_vehicles_per_charger_is_an_input_error(tmp_path):
    text = BASE + "charging: {evs_per_fast_charger: {2025: 90, 2030: 0}}\n"
    with pytest.raises(InputError, match="evs_per_fast_charger' is 0; expected above zero"):
        run_scenario(load_scenario(write(tmp_path, text)))
