"""Places: what the customer calls their own ("office", "home") and the places the stores
are known by ("People's Square", "Xujiahui"), for "the one near my office" and "near
People's Square" (issue 17 §4).

Saved places are the caller's own, like their wallet: a customer token reads and writes
only its customer's places, and the service token acts only for the customer it names in
`X-Orderly-Customer` (what the assistant does on "save this as my office"). No route takes
a customer id, so there is no way to ask for anyone else's.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from contracts.location import ClientLocation, saved_place_name
from contracts.merchant_api import Places, SavedPlace, SavedPlaces
from merchant.accounts import ensure_account
from merchant.errors import invalid, not_found
from merchant.menu import find_merchant
from merchant.models import SavedPlace as SavedPlaceRow
from merchant.place_names import places_of
from merchant.responses import Body
from merchant.routes.caller import CallerDependency
from merchant.routes.catalogue import MerchantId
from merchant.routes.documented import CUSTOMER, VALIDATION, WITH_BODY, errors
from merchant.runtime import RuntimeDependency
from merchant.store_network import parse_near

router = APIRouter(tags=["places"])
PlaceName = Annotated[str, Path(min_length=1, max_length=128)]
# Places one utterance may name ("on my way from Xujiahui to Jing'an" names two).
MAX_PLACES = 3


def _name(text: str) -> str:
    name = saved_place_name(text)
    if not name:
        raise invalid("invalid_request", "A place needs a name, e.g. 'office'.", field="name")
    return name


def _saved_body(place: SavedPlaceRow) -> Body:
    return {"name": place.name, "lat": place.lat, "lon": place.lon}


@router.put(
    "/identity/places/{name}",
    response_model=SavedPlace,
    responses=errors(*CUSTOMER, *WITH_BODY),
)
def save_place(
    name: PlaceName, location: ClientLocation, caller: CallerDependency, runtime: RuntimeDependency
) -> Body:
    """Save (or move) the caller's place `name` ("office"; "my Office" is the same place)."""
    key = _name(name)
    with runtime.database.sessions.begin() as session:
        ensure_account(session, runtime, caller.customer_id)
        place = session.get(SavedPlaceRow, (caller.customer_id, key), with_for_update=True)
        if place is None:
            place = SavedPlaceRow(customer_id=caller.customer_id, name=key)
            session.add(place)
        place.lat, place.lon = location.lat, location.lon
        place.updated_at = runtime.clock.now()
        session.flush()
        return _saved_body(place)


@router.get(
    "/identity/places/{name}",
    response_model=SavedPlace,
    responses=errors(404, *CUSTOMER),
)
def saved_place(name: PlaceName, caller: CallerDependency, runtime: RuntimeDependency) -> Body:
    """The caller's place `name`; 404 `unknown_place` when they saved none by that name."""
    with runtime.database.sessions.begin() as session:
        place = session.get(SavedPlaceRow, (caller.customer_id, _name(name)))
        if place is None:
            raise not_found("unknown_place", f"You have no place saved as {name!r}.", field="name")
        return _saved_body(place)


@router.get(
    "/identity/places",
    response_model=SavedPlaces,
    responses=errors(*CUSTOMER),
)
def saved_places(caller: CallerDependency, runtime: RuntimeDependency) -> Body:
    """Every place the caller saved, by name (the assistant reads "near my office" with
    them)."""
    with runtime.database.sessions.begin() as session:
        rows = (
            session.query(SavedPlaceRow)
            .filter(SavedPlaceRow.customer_id == caller.customer_id)
            .order_by(SavedPlaceRow.name)
            .all()
        )
        return {"places": [_saved_body(place) for place in rows]}


@router.get(
    "/merchants/{merchant_id}/places",
    response_model=Places,
    responses=errors(404, *VALIDATION),
)
def named_places(
    merchant_id: MerchantId,
    runtime: RuntimeDependency,
    text: Annotated[
        str,
        Query(
            alias="q",
            min_length=1,
            max_length=500,
            description="What the customer said: the landmarks, districts and cities of the "
            "merchant's stores it names are answered, the longest name first.",
        ),
    ],
    near: Annotated[
        str | None,
        Query(
            max_length=64,
            description="LAT,LON: a name many stores bear (a district) is placed at the one "
            "nearest here.",
        ),
    ] = None,
) -> Body:
    point = None if near is None else parse_near(near)
    with runtime.database.sessions.begin() as session:
        found = find_merchant(session, merchant_id)
        index = runtime.store_network.built(
            "places", found.id, lambda: places_of(session, found.id)
        )
    return {
        "places": [
            {"name": place.name, "kind": place.kind, "lat": place.lat, "lon": place.lon}
            for place in index.find(text, point, MAX_PLACES)
        ]
    }
