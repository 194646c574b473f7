"""Owners change a record's tier from its page; the change takes effect for the named organisation at once."""

from __future__ import annotations

from web_helpers import csrf_of, two_cycles


def test_owner_shares_a_test_with_a_named_organisation_from_the_page(platform_factory):
    platform = platform_factory()
    for org in ("Owner", "Partner", "Other"):
        platform.organisation(org)
    platform.user("o@owner.example", "Owner")
    partner = platform.user("p@partner.example", "Partner")
    other = platform.user("x@other.example", "Other")
    test_id = platform.store.add_measurement(two_cycles(), organisation="Owner").test_id
    assert platform.client.get(f"/api/v1/tests/{test_id}", headers=partner).status_code == 404

    owner = platform.browser("o@owner.example")
    changed = owner.post(f"/tests/{test_id}/access", data={"csrf_token": csrf_of(owner), "tier": "named",
                                                         "organisations": "Partner"}, follow_redirects=False)
    assert changed.status_code == 303
    assert "shared with Partner" in owner.get(f"/tests/{test_id}").text
    assert platform.client.get(f"/api/v1/tests/{test_id}", headers=partner).json()["access_tier"] == "named"
    assert platform.client.get(f"/api/v1/tests/{test_id}", headers=other).status_code == 404

    # The partner may read but not re-share; the form is not even shown to them.
    partner_browser = platform.browser("p@partner.example")
    page = partner_browser.get(f"/tests/{test_id}").text
    assert "Change access" not in page
    refused = partner_browser.post(f"/tests/{test_id}/access", data={"csrf_token": csrf_of(partner_browser),
                                                                    "tier": "public"}, follow_redirects=False)
    assert refused.status_code == 403
    assert platform.client.get(f"/api/v1/tests/{test_id}", headers=other).status_code == 404

    # Named without a name, or an unknown organisation, is refused with the field named.
    empty = owner.post(f"/tests/{test_id}/access", data={"csrf_token": csrf_of(owner), "tier": "named"})
    assert empty.status_code == 422 and "at least one organisation" in empty.text
    unknown = platform.client.put(f"/api/v1/tests/{test_id}/access", json={"tier": "named", "organisations": ["Nobody"]},
                                  headers=platform.auth("o@owner.example"))
    assert unknown.status_code == 404 and "Nobody" in unknown.json()["detail"]
    # The failed change left the earlier grant in place.
    assert platform.client.get(f"/api/v1/tests/{test_id}", headers=partner).status_code == 200


def test_attachments_are_served_by_their_name_s_type_never_the_uploader_s(platform_factory):
    platform = platform_factory()
    platform.organisation("Owner")
    headers = platform.user("o@owner.example", "Owner")
    material = platform.client.post("/api/v1/materials", headers=headers, json={"datasheet": {
        "name": "binder", "role": "binder", "density_g_cm3": 1.77, "sources": {"default": "sheet"}}}).json()
    attached = platform.client.post(f"/api/v1/materials/{material['id']}/attachments", headers=headers,
                                    files={"file": ("notes.txt", b"<script>alert(1)</script>", "text/html")})
    assert attached.json()["media_type"] == "text/plain"
    served = platform.client.get(f"/api/v1/materials/{material['id']}/attachments/{attached.json()['id']}",
                                 headers=headers)
    assert served.headers["content-type"].startswith("text/plain")
    assert served.headers["x-content-type-options"] == "nosniff"
    assert served.headers["content-disposition"].startswith("attachment")
    page = platform.client.post(f"/api/v1/materials/{material['id']}/attachments", headers=headers,
                                files={"file": ("page.html", b"<html></html>", "text/html")})
    assert page.status_code == 422 and "cannot be attached" in page.json()["detail"]


def test_a_standard_cell_downloads_as_bpx_and_paths_are_refused(platform_factory):
    import json

    platform = platform_factory()
    platform.organisation("Lab")
    headers = platform.user("l@lab.example", "Lab")
    bpx = platform.client.get("/api/v1/cells/std-2.1/bpx", headers=headers)
    assert bpx.status_code == 200
    document = json.loads(bpx.content)
    assert {"Header", "Parameterisation"} <= set(document)
    assert 'href="/api/v1/cells/std-2.1/bpx"' in platform.client.get("/cells/std-2.1", headers=headers).text
    assert platform.client.get("/api/v1/cells/..%2F..%2Fetc%2Fpasswd.yaml/bpx", headers=headers).status_code == 404
    assert platform.client.get("/api/v1/cells/nope/bpx", headers=headers).status_code == 404
