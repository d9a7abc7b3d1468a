"""What one ingestion run found, for people and for machines: a markdown summary that the flow
publishes as a Prefect artifact (so the Prefect UI shows each run's figures), and the events it
emits for repeats of rated claims and new contradictions (so Prefect automations can act)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from schemas.records import IngestReport
from tasks.storage import store
from tasks.storage.database import Connection

RUNS_SQL = "reporting/runs.sql"


@dataclass(frozen=True)
class RunFindings:
    report: IngestReport
    flags: tuple[dict[str, Any], ...]

    @property
    def counts(self) -> dict[str, int]:
        statuses = Counter(o.status for o in self.report.outcomes)
        kinds = Counter(flag["kind"] for flag in self.flags)
        return {
            "articles": statuses["ingested"],
            "unchanged": statuses["unchanged"],
            "failed": statuses["failed"],
            "claims": self.report.claims_added,
            "repeats": kinds["repeat"],
            "contradictions": kinds["contradiction"],
            "updates": kinds["update"],
        }

    @property
    def rated_repeats(self) -> list[dict[str, Any]]:
        """Repeats of a claim whose family was rated false, mostly false or mixed."""
        return [f for f in self.flags if f["kind"] == "repeat" and f["earlier_rated_false"]]

    @property
    def contradictions(self) -> list[dict[str, Any]]:
        return [f for f in self.flags if f["kind"] == "contradiction"]


def findings(conn: Connection, report: IngestReport) -> RunFindings:
    rows = store.run_query(conn, "run_flags", {"run_id": report.run_id}, RUNS_SQL)
    store.end_read(conn)
    return RunFindings(report, tuple(rows))


def markdown(found: RunFindings) -> str:
    """The run's summary: its figures, then the rated repeats, contradictions and failures."""
    counts = found.counts
    lines = [
        f"# Ingestion run {found.report.run_id}",
        "",
        "| articles | unchanged | failed | claims | repeats | contradictions | updates |",
        "|---|---|---|---|---|---|---|",
        "| " + " | ".join(str(counts[k]) for k in (
            "articles", "unchanged", "failed", "claims", "repeats", "contradictions", "updates"
        )) + " |",
    ]  # fmt: skip
    if found.rated_repeats:
        lines += ["", "## Repeats of claims rated false", ""]
        lines += [
            f"- {_cell(f['text'])} ({f['speaker'] or 'unattributed'}, {f['url']}): repeats a claim "
            f"rated {f['earlier_verdict'].replace('_', ' ')}"
            for f in found.rated_repeats
        ]
    if found.contradictions:
        lines += ["", "## New contradictions", ""]
        lines += [
            f"- {_cell(f['text'])} ({f['speaker'] or 'unattributed'}) against "
            f"{_cell(f['earlier_text'])} ({f['earlier_speaker'] or 'unattributed'})"
            for f in found.contradictions
        ]
    failed = found.report.failed
    if failed:
        lines += ["", "## Failures", "", "| target | reason |", "|---|---|"]
        lines += [f"| {_cell(o.target)} | {_cell(o.reason)} |" for o in failed]
    return "\n".join(lines) + "\n"


def _cell(text: str, limit: int = 200) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def events(found: RunFindings) -> list[dict[str, Any]]:
    """The Prefect events of the run: one per repeat of a rated claim, one per contradiction.
    Each names the claim family (or claim) as its resource, so automations can match on it."""
    emitted = []
    for kind, flags in (("repeated-rated", found.rated_repeats),
                        ("contradiction", found.contradictions)):  # fmt: skip
        for flag in flags:
            family = flag["family_id"]
            resource = (
                f"claimtrack.family.{family}" if family else f"claimtrack.claim.{flag['claim_id']}"
            )
            emitted.append({
                "event": f"claimtrack.claim.{kind}",
                "resource": {
                    "prefect.resource.id": resource,
                    "prefect.resource.name": flag["text"][:200],
                },
                "payload": {
                    "run_id": found.report.run_id,
                    "match_id": flag["match_id"],
                    "claim": flag["text"],
                    "speaker": flag["speaker"],
                    "source": flag["source"],
                    "url": flag["url"],
                    "earlier_claim": flag["earlier_text"],
                    "verdict": flag["earlier_verdict"],
                    "score": float(flag["score"]),
                },
            })  # fmt: skip
    return emitted
