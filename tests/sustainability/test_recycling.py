"""Recycling recovery: rates are products of step yields; kg recovered; targets; feedback into the footprint."""

import math

import pytest

from cellbench import cells
from cellbench.errors import InputError
from cellbench.sustainability import Bill, bill_of_materials_for_pack, cell_bill, element_masses_kg
from cellbench.sustainability.footprint import carbon_footprint
from cellbench.sustainability.recycling import recover, recycled_content_from, route_book, route_rate

PACK = bill_of_materials_for_pack("demo-55kwh")


def test_route_rate_is_the_product_of_step_yields():
    hydro = route_book().routes["hydro"]
    by_hand = 0.995 * 0.95 * 0.98 * 0.97 * 0.92
    assert route_rate(hydro, "Li")[0] == pytest.approx(by_hand)
    assert route_rate(hydro, "Li")[1] < by_hand < route_rate(hydro, "Li")[2]


def test_cell_recovery_equals_feed_times_route_rate():
    bill = cell_bill(cells.load("lg-m50"))
    r = recover(bill, "pyro")
    feed = element_masses_kg(bill.materials_kg)["Co"]
    rate = route_rate(route_book().routes["pyro"], "Co")[0]
    assert r.elements["Co"]["feed_kg"] == pytest.approx(feed)
    assert r.elements["Co"]["recovered_kg"] == pytest.approx(feed * rate)
    assert r.elements["graphite"]["recovered_kg"] == 0.0  # burnt as reductant in the furnace


def test_pack_parts_leave_as_scrap_at_dismantling():
    r = recover(PACK, "pyro")
    cell_al = element_masses_kg(PACK.cell_materials_kg)["Al"]
    parts_al = element_masses_kg(PACK.materials_kg)["Al"] - cell_al
    # in pyro the cells' aluminium goes to slag: only the dismantled housing comes back
    assert r.elements["Al"]["recovered_kg"] == pytest.approx(parts_al * 0.95)


@pytest.mark.parametrize("route,li,ni,co", [("pyro", False, True, True), ("hydro", True, True, True),
                                            ("direct", True, False, False)])
def test_targets_70_95_95(route, li, ni, co):
    e = recover(PACK, route).elements
    assert (e["Li"]["meets_target"], e["Ni"]["meets_target"], e["Co"]["meets_target"]) == (li, ni, co)
    assert e["Li"]["target"] == 0.70 and e["Ni"]["target"] == 0.95
    assert e["Li"]["targets"]["eu-2031"] == 0.80
    assert e["Mn"]["target"] is None and e["Mn"]["meets_target"] is None


def test_eu_2031_lithium_target_is_stricter():
    e = recover(PACK, "pyro", target_set="eu-2031").elements
    assert e["Li"]["target"] == 0.80 and e["Cu"]["target"] == 0.95


def test_recovered_metal_feeds_back_into_the_footprint():
    r = recover(PACK, "hydro")
    shares = recycled_content_from({e: v["recovered_kg"] for e, v in r.elements.items()}, PACK)
    assert shares["Ni"] == pytest.approx(r.elements["Ni"]["recovery_rate"])  # closed loop: same pack
    base = carbon_footprint(PACK, samples=0).total_kg_co2e_per_kwh
    closed = carbon_footprint(PACK, samples=0, recycled_content=shares).total_kg_co2e_per_kwh
    assert closed < base - 5.0


def test_unknown_route_is_named():
    with pytest.raises(InputError, match="no recycling route 'alchemy'"):
        recover(PACK, "alchemy")


def test_empty_feed_has_no_rate():
    r = recover(Bill("foil", {"cu-foil": 1.0}, 1.0, "liquid"), "hydro")
    assert r.elements["Li"]["recovery_rate"] is None and math.isclose(r.elements["Cu"]["recovery_rate"], 0.995 * 0.9)
