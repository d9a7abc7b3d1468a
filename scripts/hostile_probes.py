"""Time the hostile pages of issue #15 through the whole pipeline (parse, extract, store, match)
on the configured database (DATABASE_URL, or the embedded server of CLAIMTRACK_HOME).

    python scripts/hostile_probes.py [--megabytes 4.8]

Each probe is written to a temporary folder and ingested as a file; one line per probe with
its outcome and seconds, then one `name=value` line of the seconds."""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from schemas.settings import get_settings
from tasks.fetching.fetch import Fetcher
from tasks.ingest import ingest_targets
from tasks.storage.database import open_database

LEAD = "<p>The Kestrel Dale council said the new bridge will cost $450 million to build.</p>"


def html(body: str) -> str:
    head = "<html><head><title>probe</title></head>"
    return f"{head}<body><article>{LEAD}{body}</article></body></html>"


def probes(size: int) -> dict[str, bytes]:
    dense = "".join(
        f"<p>The Kestrel Dale council said on Monday that the new bridge number {i} over the "
        f"river will cost ${i % 900 + 100} million and open by {1990 + i % 35}, "
        "officials told reporters.</p>"
        for i in range(29_000)
    )
    return {
        "unclosed_comment": html("<!--" * (size // 4)).encode(),
        "unclosed_script": html("<script>" * (size // 8)).encode(),
        "unclosed_ld_json": html('<script type="application/ld+json">' * (size // 36)).encode(),
        "dr_runs": html("<p>" + "Dr. " * (size // 4) + "</p>").encode(),
        "nested_json_ld": html(
            '<script type="application/ld+json">' + "[" * 200_000 + "</script>"
        ).encode(),
        "overflowing_number": html(
            '<script type="application/ld+json">{"@type": "ClaimReview", "x": 1e400}</script>'
        ).encode(),
        "nul_in_text": b"The council said the bridge will cost \x00$450 million in total.\n",
        "utf8_one_bad_byte": html(
            "<p>Zo\u00eb Bront\u00eb said the caf\u00e9 will close in 2025.</p>"
        )
        .encode()
        .replace(b"</article>", b"\xff</article>"),
        "claim_dense": html(dense).encode(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=4.8, help="size of the big probes")
    args = parser.parse_args()
    settings = get_settings()
    figures = {}
    with tempfile.TemporaryDirectory() as folder, open_database(settings) as conn:
        for name, body in probes(int(args.megabytes * 1_000_000)).items():
            path = Path(folder) / f"{name}-{time.time_ns()}.{'txt' if 'nul' in name else 'html'}"
            path.write_bytes(body)
            started = time.monotonic()
            with Fetcher(settings) as fetcher:
                report = ingest_targets(conn, [str(path)], settings=settings, fetch=fetcher.fetch)
            seconds = time.monotonic() - started
            outcome = report.outcomes[0]
            reason = re.sub(r"^\S+: ", "", outcome.reason)[:90]
            print(
                f"{name:20s} {len(body) / 1e6:5.2f} MB {seconds:6.2f} s {outcome.status:9s} "
                f"{outcome.claims_added} claims {reason}",
                flush=True,
            )
            figures[name] = seconds
    print(" ".join(f"{name}_s={value:.2f}" for name, value in figures.items()))


if __name__ == "__main__":
    main()
