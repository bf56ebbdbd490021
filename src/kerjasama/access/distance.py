"""Distances between residents and service points, behind one small interface.

The default is the great-circle distance on the mean Earth sphere. Finding the nearest point uses a
k-d tree over 3-D unit vectors: the straight-line (chord) distance between two unit vectors grows
with the angle between them, so the nearest by chord is exactly the nearest by great circle.

A road-network engine can replace the great circle for the answers residents see (not for the gap
analysis): point ``settings.KERJASAMA["ACCESS_DISTANCE"]`` at a class implementing
:class:`DistanceProvider`, e.g. :class:`OsrmTable` for an OSRM server's table service (docs/access.md).
"""

import functools
import json
import math
import urllib.parse
import urllib.request
from typing import Protocol

import numpy as np
from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

EARTH_RADIUS_KM = 6371.0088  # mean radius (IUGG)


def unit_vectors(lat, lon) -> np.ndarray:
    """Points on the unit sphere, shape (n, 3), for degrees of latitude and longitude."""
    lat = np.radians(np.asarray(lat, dtype=float))
    lon = np.radians(np.asarray(lon, dtype=float))
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def chord_to_km(chord):
    """Great-circle kilometres for chord lengths between unit vectors."""
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord, dtype=float) / 2.0, 0.0, 1.0))


def haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle kilometres between points given in degrees (broadcasts like numpy)."""
    lat1, lon1, lat2, lon2 = (np.radians(np.asarray(value, dtype=float)) for value in (lat1, lon1, lat2, lon2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle kilometres between two points (plain floats)."""
    return float(haversine_km(lat1, lon1, lat2, lon2))


class DistanceProvider(Protocol):
    """Kilometres from one origin to many destinations.

    ``exact_by_tree`` says whether the great-circle k-d tree already finds the nearest destination by
    this measure; when it does not (roads), the engine asks the provider about the ``candidates``
    great-circle-nearest points of each eligible operator and keeps the shortest.
    """

    name: str
    exact_by_tree: bool
    candidates: int

    def distances(self, origin: tuple[float, float], destinations: np.ndarray) -> np.ndarray:
        """Kilometres from ``origin`` (lat, lon) to each row (lat, lon) of ``destinations``; inf if unreachable."""
        ...


class GreatCircle:
    """Great-circle (as the crow flies) distance: the default, needs nothing outside the process."""

    name = "great_circle"
    label = _("straight-line distance")
    exact_by_tree = True
    candidates = 1

    def distances(self, origin: tuple[float, float], destinations: np.ndarray) -> np.ndarray:
        destinations = np.asarray(destinations, dtype=float).reshape(-1, 2)
        return haversine_km(origin[0], origin[1], destinations[:, 0], destinations[:, 1])


class OsrmTable:
    """Road distance from an OSRM server's table service (``/table/v1/{profile}/...``).

    Configure with ``"ACCESS_DISTANCE": {"CLASS": "kerjasama.access.distance.OsrmTable", "OPTIONS":
    {"base_url": "http://osrm.internal:5000", "profile": "driving"}}``. OSRM itself (with a
    Kalimantan extract of OpenStreetMap) runs as its own service; this class only asks it.
    """

    name = "osrm"
    label = _("road distance")
    exact_by_tree = False

    def __init__(self, base_url: str, profile: str = "driving", timeout: float = 5.0, candidates: int = 8) -> None:
        self.base_url = base_url.rstrip("/")
        self.profile = profile
        self.timeout = timeout
        self.candidates = candidates

    def distances(self, origin: tuple[float, float], destinations: np.ndarray) -> np.ndarray:
        destinations = np.asarray(destinations, dtype=float).reshape(-1, 2)
        if not len(destinations):
            return np.empty(0)
        coordinates = ";".join(f"{lon:.6f},{lat:.6f}" for lat, lon in [origin, *destinations.tolist()])
        query = urllib.parse.urlencode({"sources": "0", "annotations": "distance"})
        url = f"{self.base_url}/table/v1/{urllib.parse.quote(self.profile)}/{coordinates}?{query}"
        if not url.startswith(("http://", "https://")):
            raise ValueError(_("The OSRM base URL must start with http:// or https://."))
        with urllib.request.urlopen(url, timeout=self.timeout) as response:  # noqa: S310 (scheme checked above)
            body = json.load(response)
        if body.get("code") != "Ok":
            raise OSError(f"OSRM: {body.get('code')} {body.get('message', '')}".strip())
        metres = body["distances"][0][1:]
        return np.array([math.inf if value is None else value / 1000.0 for value in metres], dtype=float)


@functools.cache
def _provider(path: str, options: tuple) -> DistanceProvider:
    return import_string(path)(**dict(options))


def get_provider() -> DistanceProvider:
    """The configured distance provider (``KERJASAMA["ACCESS_DISTANCE"]``); great circle by default."""
    config = settings.KERJASAMA.get("ACCESS_DISTANCE") or {}
    if isinstance(config, str):
        config = {"CLASS": config}
    path = config.get("CLASS", "kerjasama.access.distance.GreatCircle")
    return _provider(path, tuple(sorted((config.get("OPTIONS") or {}).items())))
