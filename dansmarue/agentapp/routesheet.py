"""The route sheet's order: nearest neighbour, then 2-opt, on straight lines.

Pure functions of (longitude, latitude) pairs: no database, easy to test.
Distances are great-circle metres (haversine), exact enough for a tour of
a few kilometres.
"""

import math

EARTH_RADIUS_M = 6371008.8


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def length_m(start: tuple[float, float], stops: list[tuple[float, float]]) -> float:
    """From `start` through every stop in this order (no return leg)."""
    path = [start, *stops]
    return sum(distance_m(path[i], path[i + 1]) for i in range(len(path) - 1))


def nearest_neighbour(start: tuple[float, float], stops: list[tuple[float, float]]) -> list[int]:
    left = list(range(len(stops)))
    order, here = [], start
    while left:
        best = min(left, key=lambda i: distance_m(here, stops[i]))
        order.append(best)
        left.remove(best)
        here = stops[best]
    return order


def two_opt(start: tuple[float, float], stops: list[tuple[float, float]], order: list[int]) -> list[int]:
    """Reverse segments while that shortens the open path from `start`."""
    order = list(order)
    improved = True
    while improved:
        improved = False
        for i in range(len(order) - 1):
            a = start if i == 0 else stops[order[i - 1]]
            b = stops[order[i]]
            for j in range(i + 1, len(order)):
                c = stops[order[j]]
                d = stops[order[j + 1]] if j + 1 < len(order) else None
                before = distance_m(a, b) + (distance_m(c, d) if d else 0.0)
                after = distance_m(a, c) + (distance_m(b, d) if d else 0.0)
                if after < before - 1e-6:
                    order[i : j + 1] = reversed(order[i : j + 1])
                    improved = True
                    b = stops[order[i]]
    return order


def plan(start: tuple[float, float], stops: list[tuple[float, float]]) -> tuple[list[int], float]:
    """(order of the stops, total metres from start)."""
    order = two_opt(start, stops, nearest_neighbour(start, stops))
    return order, length_m(start, [stops[i] for i in order])
