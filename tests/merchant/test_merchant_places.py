"""Places (issue 17 §4): a customer's saved places, theirs alone, and the places the stores
are known by, found in what the customer said."""

from __future__ import annotations

import pytest
from merchant_harness import Api, bearer

# A few hundred metres apart in Shanghai, neither at a store.
DESK = {"lat": 31.2281, "lon": 121.4590}
FLAT = {"lat": 31.2050, "lon": 121.4400}


def test_a_customer_saves_a_place_with_their_own_token_and_reads_it_back(api: Api) -> None:
    token = api.sign_up("mira")
    client = api.anonymous()
    saved = client.put("/identity/places/My Office", json=DESK, headers=bearer(token))
    assert saved.status_code == 200, saved.text
    assert saved.json() == {"name": "office", **DESK}
    # "office", "the office" and "my office" are one place
    read = client.get("/identity/places/the office", headers=bearer(token))
    assert read.json() == {"name": "office", **DESK}
    moved = client.put("/identity/places/office", json=FLAT, headers=bearer(token))
    assert moved.json()["lat"] == FLAT["lat"]
    listing = client.get("/identity/places", headers=bearer(token)).json()
    assert listing == {"places": [{"name": "office", **FLAT}]}


def test_another_customers_token_never_sees_their_places(api: Api) -> None:
    mira, otto = api.sign_up("mira"), api.sign_up("otto")
    client = api.anonymous()
    client.put("/identity/places/home", json=FLAT, headers=bearer(mira))
    theirs = client.get("/identity/places/home", headers=bearer(otto))
    assert theirs.status_code == 404
    assert theirs.json()["error"]["code"] == "unknown_place"
    assert client.get("/identity/places", headers=bearer(otto)).json() == {"places": []}
    # otto saving his own "home" leaves mira's where it was
    client.put("/identity/places/home", json=DESK, headers=bearer(otto))
    assert client.get("/identity/places/home", headers=bearer(mira)).json()["lat"] == FLAT["lat"]


def test_a_customer_token_cannot_name_another_customer(api: Api) -> None:
    mira = api.sign_up("mira")
    api.anonymous().put("/identity/places/home", json=FLAT, headers=bearer(mira))
    otto = api.sign_up("otto")
    response = api.anonymous().get(
        "/identity/places/home", headers={**bearer(otto), "X-Orderly-Customer": "mira"}
    )
    assert response.status_code == 403


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}],
    ids=["no credential", "a forged token"],
)
def test_places_need_a_valid_credential(api: Api, headers: dict[str, str]) -> None:
    client = api.anonymous()
    assert client.put("/identity/places/home", json=FLAT, headers=headers).status_code == 401
    assert client.get("/identity/places/home", headers=headers).status_code == 401
    assert client.get("/identity/places", headers=headers).status_code == 401


def test_the_service_saves_only_for_the_customer_it_names(api: Api) -> None:
    """What the assistant does on "save this as my office"."""
    token = api.sign_up("mira")
    api.http.put("/identity/places/gym", json=DESK, headers=api.as_customer("mira"))
    assert (
        api.anonymous().get("/identity/places/gym", headers=bearer(token)).json()["lat"]
        == (DESK["lat"])
    )
    assert api.http.get("/identity/places/gym", headers=api.as_customer("u9")).status_code == 404


@pytest.mark.parametrize(
    "body",
    [{"lat": 91, "lon": 121}, {"lat": 31.2, "lon": 181}, {"lat": 31.2}, {"lat": "north", "lon": 1}],
)
def test_a_place_off_the_globe_is_refused(api: Api, body: dict[str, object]) -> None:
    assert api.http.put("/identity/places/home", json=body).status_code == 422


def test_a_name_of_articles_only_is_refused(api: Api) -> None:
    response = api.http.put("/identity/places/my the", json=DESK)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "name"


def places(api: Api, merchant: str, said: str, near: str | None = None) -> list[dict[str, object]]:
    params = {"q": said, **({"near": near} if near else {})}
    response = api.http.get(f"/merchants/{merchant}/places", params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, object]] = response.json()["places"]
    return found


def test_a_landmark_said_in_a_sentence_is_found(api: Api) -> None:
    found = places(api, "golden-crumb", "anything open near peoples square?")
    assert found[0]["name"] == "People's Square" and found[0]["kind"] == "landmark"
    assert abs(float(found[0]["lat"]) - 31.2317) < 0.01  # type: ignore[arg-type]


def test_a_street_said_without_its_direction_word_is_found(api: Api) -> None:
    found = places(api, "golden-crumb", "the one on Nanjing Road")
    assert found[0]["name"] == "Nanjing West Road"


def test_a_district_is_placed_at_its_store_nearest_the_customer(api: Api) -> None:
    """Pudong is wide: from the airport side and from the river side it is two places."""
    riverside = places(api, "golden-crumb", "pudong", near="31.2397,121.4998")[0]
    east = places(api, "golden-crumb", "pudong", near="31.1980,121.6500")[0]
    assert riverside["kind"] == east["kind"] == "district"
    assert float(east["lon"]) > float(riverside["lon"]) + 0.05  # type: ignore[arg-type]


def test_words_naming_no_place_find_none(api: Api) -> None:
    assert places(api, "golden-crumb", "a store near my office please") == []


def test_places_of_an_unknown_merchant_are_404(api: Api) -> None:
    assert api.http.get("/merchants/jade-leaf/places", params={"q": "bund"}).status_code == 404
