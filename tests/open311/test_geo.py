"""Which neighbourhood boundary holds a point: polygons, holes and multipolygons."""

from __future__ import annotations

from app.open311.geo import contains

SQUARE = [[4.0, 52.0], [5.0, 52.0], [5.0, 53.0], [4.0, 53.0], [4.0, 52.0]]
HOLE = [[4.4, 52.4], [4.6, 52.4], [4.6, 52.6], [4.4, 52.6], [4.4, 52.4]]
FAR = [[6.0, 50.0], [7.0, 50.0], [7.0, 51.0], [6.0, 50.0]]


def test_a_polygon_holds_points_inside_but_not_in_its_hole_nor_outside():
    polygon = {"type": "Polygon", "coordinates": [SQUARE, HOLE]}
    assert contains(polygon, 52.2, 4.2)
    assert not contains(polygon, 52.5, 4.5)
    assert not contains(polygon, 51.5, 4.5)
    assert not contains(polygon, 52.5, 5.5)


def test_a_multipolygon_holds_points_in_any_of_its_parts():
    multi = {"type": "MultiPolygon", "coordinates": [[FAR], [SQUARE]]}
    assert contains(multi, 52.5, 4.5) and contains(multi, 50.2, 6.5)
    assert not contains(multi, 51.5, 5.5)


def test_no_or_odd_boundaries_hold_nothing():
    assert not contains(None, 52.5, 4.5)
    assert not contains({"type": "Point", "coordinates": [4.5, 52.5]}, 52.5, 4.5)
    assert not contains({"type": "Polygon", "coordinates": []}, 52.5, 4.5)
