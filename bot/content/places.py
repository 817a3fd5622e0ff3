"""The fields of ``venues.yml``: the venues, and the hotels with their routes to the venues.

``parse_places`` reports every problem to an ``Issues`` collector and returns
only the venues and hotels that are entirely valid, plus every venue id it could
read, so that events at a venue with some other problem are not reported too.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection
from dataclasses import dataclass

from yaml.nodes import MappingNode, Node, ScalarNode

from bot.content import nodes as n
from bot.content import records as r
from bot.content.model import Hotel, Location, Route, Text, Transport, Venue

#: Latitude and longitude bounds of the Shenyang municipality (WGS-84 degrees).
LAT_RANGE = (41.2, 43.1)
LON_RANGE = (122.4, 123.9)

VENUE_FIELDS = ("id", "name", "address", "location", "opening_hours", "transport")
VENUE_OPTIONAL = ("map_url", "aliases", "parking")
TRANSPORT_FIELDS = (
    "metro",
    "bus",
    "taxi",
    "from_airport",
    "from_north_station",
    "from_south_station",
    "from_shenyang_station",
)
HOTEL_FIELDS = ("id", "name", "address", "location", "routes")
HOTEL_OPTIONAL = ("aliases",)


@dataclass(frozen=True)
class ParsedPlaces:
    """What ``venues.yml`` holds.

    Attributes:
        venues: The valid venues.
        venue_ids: The ids of all venues whose id could be read.
        hotels: The valid hotels, in file order.
    """

    venues: list[Venue]
    venue_ids: set[str]
    hotels: list[Hotel]


def parse_places(root: Node, issues: n.Issues) -> ParsedPlaces:
    """Reads ``venues.yml``: the ``venues:`` list and the optional ``hotels:`` list."""
    lists = r.top_lists(root, issues, "venues", ("hotels",))
    venues, seen = _parse_venues(lists.get("venues", []), issues)
    hotels = _parse_hotels(lists.get("hotels", []), issues, set(seen))
    return ParsedPlaces(venues=venues, venue_ids=set(seen), hotels=hotels)


def _parse_venues(items: list[Node], issues: n.Issues) -> tuple[list[Venue], dict[str, int]]:
    venues: list[Venue] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        path = n.join("venues", i)
        found = n.read_mapping(item, path, issues, VENUE_FIELDS, VENUE_OPTIONAL)
        if found is None:
            continue
        f = r.Fields(found, path, issues, VENUE_FIELDS)
        venue_id = f.get("id", n.read_snake_id)
        if venue_id is not None and r.is_duplicate(venue_id, f.node("id"), seen, path, issues):
            f.ok = False
        values = {key: f.get(key, n.read_text) for key in ("name", "address", "opening_hours")}
        location = f.get("location", read_location)
        transport = f.get("transport", _read_transport)
        map_url = f.get("map_url", n.read_url)
        aliases = f.get("aliases", r.read_aliases)
        parking = f.get("parking", n.read_text)
        if f.ok:
            venues.append(
                Venue(
                    id=venue_id,
                    location=location,
                    transport=transport,
                    map_url=map_url,
                    aliases=aliases,
                    parking=parking,
                    **values,
                )
            )
    return venues, seen


def read_location(node: Node, path: str, issues: n.Issues) -> Location | None:
    """Reads ``{lat, lon}`` in decimal degrees inside the Shenyang area."""
    found = n.read_mapping(node, path, issues, ("lat", "lon"))
    if found is None:
        return None
    f = r.Fields(found, path, issues, ("lat", "lon"))
    lat = f.get("lat", n.read_number, *LAT_RANGE, "41.80")
    lon = f.get("lon", n.read_number, *LON_RANGE, "123.43")
    return Location(lat=lat, lon=lon) if f.ok else None


def _read_transport(node: Node, path: str, issues: n.Issues) -> Transport | None:
    found = n.read_mapping(node, path, issues, TRANSPORT_FIELDS)
    if found is None:
        return None
    f = r.Fields(found, path, issues, TRANSPORT_FIELDS)
    values = {key: f.get(key, n.read_text) for key in TRANSPORT_FIELDS}
    return Transport(**values) if f.ok else None


def _parse_hotels(items: list[Node], issues: n.Issues, venue_ids: set[str]) -> list[Hotel]:
    hotels: list[Hotel] = []
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        path = n.join("hotels", i)
        found = n.read_mapping(item, path, issues, HOTEL_FIELDS, HOTEL_OPTIONAL)
        if found is None:
            continue
        f = r.Fields(found, path, issues, HOTEL_FIELDS)
        hotel_id = f.get("id", n.read_snake_id)
        if hotel_id is not None and hotel_id in venue_ids:
            issues.add(
                f.node("id"),
                n.join(path, "id"),
                f"'{hotel_id}' is already the id of a venue; give the hotel a different id",
            )
            f.ok = False
        elif hotel_id is not None and r.is_duplicate(hotel_id, f.node("id"), seen, path, issues):
            f.ok = False
        name, address = f.get("name", n.read_text), f.get("address", n.read_text)
        location = f.get("location", read_location)
        routes = f.get("routes", _read_routes, venue_ids)
        aliases = f.get("aliases", r.read_aliases)
        if f.ok:
            hotels.append(
                Hotel(
                    id=hotel_id,
                    name=name,
                    address=address,
                    location=location,
                    routes=routes,
                    aliases=aliases,
                )
            )
    return hotels


def _read_routes(
    node: Node, path: str, issues: n.Issues, venue_ids: Collection[str]
) -> tuple[Route, ...] | None:
    """Reads ``venue id: {zh, ko}`` directions, at least one, each to an existing venue."""
    if not n.check_tag(node, path, issues):
        return None
    if not isinstance(node, MappingNode) or not node.value:
        shape = (
            "is empty"
            if n.describe(node) in ("empty", "a group of fields")
            else (f"must be a group of fields, not {n.describe(node)}")
        )
        issues.add(
            node,
            path,
            f"routes {shape}; write one 'venue id:' line per venue, with the zh and ko "
            "directions below it",
        )
        return None
    routes: list[Route] = []
    ok = True
    for key_node, value_node in node.value:
        venue = str(key_node.value).strip() if isinstance(key_node, ScalarNode) else ""
        route_path = n.join(path, venue or "?")
        directions: Text | None = n.read_text(value_node, route_path, issues)
        if venue not in venue_ids:
            hint = difflib.get_close_matches(venue, sorted(venue_ids), n=1)
            maybe = f" Did you mean '{hint[0]}'?" if hint else ""
            issues.add(
                key_node,
                route_path,
                f"there is no venue with the id '{venue}' in this file; use one of: "
                f"{', '.join(sorted(venue_ids))}.{maybe}",
            )
            ok = False
        elif any(route.venue == venue for route in routes):
            issues.add(key_node, route_path, f"'{venue}' is written twice; keep only one")
            ok = False
        elif directions is not None:
            routes.append(Route(venue=venue, directions=directions))
        ok = ok and directions is not None
    return tuple(routes) if ok else None
