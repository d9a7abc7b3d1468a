"""Thresholds learned from reviewers: confirmed and dismissed flags are labelled data.

For each kind of flag, the precision and recall of the match score at candidate thresholds (a
flag counts as right when a person confirmed it); the suggest threshold is the lowest at which
every kind keeps the target precision, and the auto-confirm threshold the lowest at which
repeats keep a stricter one. Flags below today's suggest threshold were never shown to anyone,
so no threshold below it can be judged from decisions: the report says so."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from schemas.settings import Settings
from tasks.review.sql import run
from tasks.storage import store
from tasks.storage.database import Connection

AUTO_CONFIRM_PRECISION = 0.99  # at least; a wrong auto-confirmation is never looked at again
TUNABLE = ("match_suggest_threshold", "match_auto_confirm_threshold")


@dataclass(frozen=True)
class Point:
    threshold: float
    flagged: int
    precision: float
    recall: float


@dataclass(frozen=True)
class Tuning:
    decided: dict[str, int]  # decisions per kind
    curves: dict[str, list[Point]]
    suggest: float | None  # None: no threshold reaches the target
    auto_confirm: float | None
    target: float


def curve(labelled: Sequence[tuple[float, bool]], thresholds: Sequence[float]) -> list[Point]:
    right = sum(1 for _, ok in labelled if ok)
    points = []
    for threshold in thresholds:
        kept = [ok for score, ok in labelled if score >= threshold - 1e-9]
        hits = sum(kept)
        precision = hits / len(kept) if kept else 1.0
        points.append(Point(threshold, len(kept), precision, hits / right if right else 0.0))
    return points


def lowest_at(
    labelled: Sequence[tuple[float, bool]], precision: float, floor: float = 0.0
) -> float | None:
    """The lowest threshold among the scores at which the precision above it reaches `precision`
    and stays there for every higher one; `floor` (today's threshold: nothing under it was ever
    shown) when even the lowest decided score keeps it; None when no decided flag reaches it."""
    scores = sorted({score for score, _ in labelled})
    best = None
    for point in reversed(curve(labelled, scores)):
        if point.flagged and point.precision < precision:
            return best
        best = point.threshold
    return min(floor, best) if best is not None else None


MIN_DECISIONS = 20  # fewer say too little to move a threshold


def tune(conn: Connection, target: float, settings: Settings | None = None) -> Tuning:
    rows: list[dict[str, Any]] = run(conn, "decided_matches", {})
    store.end_read(conn)
    by_kind: dict[str, list[tuple[float, bool]]] = {}
    for row in rows:
        by_kind.setdefault(row["kind"], []).append(
            (float(row["score"]), row["status"] == "confirmed")
        )
    grid = [round(0.5 + 0.05 * n, 2) for n in range(11)]
    every = [pair for pairs in by_kind.values() for pair in pairs]
    repeats = by_kind.get("repeat", [])
    current = settings or Settings()
    return Tuning(
        decided={kind: len(pairs) for kind, pairs in sorted(by_kind.items())},
        curves={kind: curve(pairs, grid) for kind, pairs in sorted(by_kind.items())},
        suggest=(
            lowest_at(every, target, current.match_suggest_threshold)
            if len(every) >= MIN_DECISIONS
            else None
        ),
        auto_confirm=(
            lowest_at(
                repeats,
                max(target, AUTO_CONFIRM_PRECISION),
                current.match_auto_confirm_threshold,
            )
            if len(repeats) >= MIN_DECISIONS
            else None
        ),
        target=target,
    )


def apply(conn: Connection, tuning: Tuning) -> list[tuple[str, float]]:
    """Store the learned thresholds as settings in the database; what was stored."""
    chosen = [
        (name, value)
        for name, value in zip(TUNABLE, (tuning.suggest, tuning.auto_confirm), strict=True)
        if value is not None
    ]
    decisions = sum(tuning.decided.values())
    reason = f"tune thresholds: precision {tuning.target:.2f} on {decisions} decisions"
    with conn.transaction():
        for name, value in chosen:
            params = {"name": name, "value": f"{value:.4f}", "reason": reason}
            run(conn, "store_setting", params)
    return chosen


def stored(conn: Connection) -> list[dict[str, Any]]:
    # a transaction block of its own, not a rollback: callers may be inside one (the bench)
    with conn.transaction():
        return run(conn, "stored_settings", {})


def with_stored(conn: Connection, settings: Settings) -> Settings:
    """The settings with the database's stored values for those the environment left unset."""
    updates = {
        row["name"]: float(row["value"])
        for row in stored(conn)
        if row["name"] in TUNABLE and row["name"] not in settings.model_fields_set
    }
    return settings.model_copy(update=updates) if updates else settings
