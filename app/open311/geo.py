"""Which neighbourhood a map point lies in, from the neighbourhoods' GeoJSON boundaries."""

from __future__ import annotations

from itertools import pairwise

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from app.neighbourhoods.models import Neighbourhood


def _in_ring(lon: float, lat: float, ring: list) -> bool:
    """Tell whether a point lies inside a closed ring (ray casting, even-odd rule)."""
    inside = False
    for (x1, y1, *_), (x2, y2, *_) in pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _in_polygon(lon: float, lat: float, rings: list) -> bool:
    """Tell whether a point lies in a polygon's outer ring and in none of its holes."""
    return (
        bool(rings)
        and _in_ring(lon, lat, rings[0])
        and not any(_in_ring(lon, lat, hole) for hole in rings[1:])
    )


def contains(boundary: dict | None, lat: float, lon: float) -> bool:
    """Tell whether a GeoJSON Polygon or MultiPolygon (positions are [lon, lat]) holds a point."""
    if not boundary:
        return False
    if boundary.get("type") == "Polygon":
        polygons = [boundary.get("coordinates") or []]
    elif boundary.get("type") == "MultiPolygon":
        polygons = boundary.get("coordinates") or []
    else:
        return False
    return any(_in_polygon(lon, lat, rings) for rings in polygons)


def neighbourhood_at(session: Session, lat: float, lon: float) -> int | None:
    """Return the id of the neighbourhood whose boundary holds the point, if any."""
    query = (
        select(Neighbourhood)
        .where(Neighbourhood.boundary.is_not(None))
        .options(undefer(Neighbourhood.boundary))
        .order_by(Neighbourhood.id)
    )
    for neighbourhood in session.scalars(query):
        if contains(neighbourhood.boundary, lat, lon):
            return neighbourhood.id
    return None
