"""The study's three station datasets, generated deterministically at environment build time.

Hourly readings (``station_id,timestamp,temp_c,humidity``) from a fixed seed per dataset, so
every build yields byte-identical files (and seed-manifest hashes). Generation is cached: the
environment is rebuilt for every sample, at bootstrap and at scoring.
"""

from __future__ import annotations

import datetime
import hashlib
import math
import random
from dataclasses import dataclass
from functools import lru_cache

HEADER = "station_id,timestamp,temp_c,humidity"


@dataclass(frozen=True)
class DatasetSpec:
    """Which stations, how many hourly readings each, and from when."""

    name: str
    stations: tuple[int, ...]
    hours: int
    start: datetime.datetime


SPECS: tuple[DatasetSpec, ...] = (
    DatasetSpec("dataset_1.csv", tuple(range(1, 9)), 600, datetime.datetime(2025, 6, 1)),
    DatasetSpec("dataset_2.csv", tuple(range(9, 17)), 650, datetime.datetime(2025, 7, 1)),
    DatasetSpec("dataset_3.csv", tuple(range(1, 17)), 600, datetime.datetime(2025, 8, 1)),
)


def _station_climate(station: int) -> tuple[float, float, float]:
    """Base temperature, diurnal amplitude and base humidity of a station (fixed, plausible)."""
    base = 14.0 + (station * 7 % 11) * 0.9
    amplitude = 3.5 + (station % 4) * 0.8
    humidity = 58.0 + (station * 5 % 9) * 2.5
    return base, amplitude, humidity


@lru_cache(maxsize=8)
def dataset_bytes(name: str) -> bytes:
    """The CSV bytes of ``name`` (``dataset_1.csv`` ...); raises ``KeyError`` for other names."""
    spec = {s.name: s for s in SPECS}[name]
    rng = random.Random(f"final_instance/{name}/v1")
    lines = [HEADER]
    for station in spec.stations:
        base, amplitude, humidity_base = _station_climate(station)
        for hour in range(spec.hours):
            stamp = spec.start + datetime.timedelta(hours=hour)
            diurnal = math.sin((stamp.hour - 9) / 24 * 2 * math.pi)
            temp = base + amplitude * diurnal + (rng.random() - 0.5) * 2.4
            humidity = humidity_base - 1.6 * amplitude * diurnal + (rng.random() - 0.5) * 8.0
            humidity = min(100.0, max(5.0, humidity))
            lines.append(f"ORC-{station:02d},{stamp:%Y-%m-%dT%H:%M:%SZ},{temp:.1f},{humidity:.1f}")
    return ("\n".join(lines) + "\n").encode("ascii")


@lru_cache(maxsize=8)
def dataset_sha256(name: str) -> str:
    """Hex SHA-256 of a dataset (the study's checksum manifest)."""
    return hashlib.sha256(dataset_bytes(name)).hexdigest()


def row_count(name: str) -> int:
    """Data rows of a dataset (header excluded)."""
    spec = {s.name: s for s in SPECS}[name]
    return len(spec.stations) * spec.hours
