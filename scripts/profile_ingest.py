"""Where an article's time goes: the bench's ingestion pass (article pages of DATA_DIR and the
demo stories, rolled back) under cProfile, on a loaded database such as the one `claimtrack bench
matching --claims N` leaves behind, as milliseconds per article for each step.

    python scripts/profile_ingest.py DATABASE_URL [DATA_DIR]

cProfile adds its own overhead to Python-heavy steps; the SQL steps are waits on the server.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from pathlib import Path

import psycopg

from schemas.settings import Settings
from tasks.evaluation.benchmark import article_pages
from tasks.fetching.fetch import read_file
from tasks.ingest import ingest_targets
from tasks.storage.database import connect

STEPS = (
    ("ingest run, in all", "tasks/ingest.py", "ingest_targets"),
    ("analysis: read, claims, embeddings", "tasks/ingest.py", "analyse_document"),
    ("  reading the page", "tasks/reading/parse.py", "parse_document"),
    ("  claim extraction", "tasks/claims/extract.py", "extract_claims"),
    ("    of it, spaCy's parse of cued sentences", "tasks/claims/syntax.py", "parse_cued"),
    ("store and match, in article order", "tasks/ingest.py", "store_analysed"),
    ("  word candidates (one SQL round trip)", "tasks/storage/store.py", "claim_candidates"),
    ("  judging the candidates", "tasks/matching/match.py", "judge"),
    ("every SQL statement (waits on the server)", "psycopg/connection.py", "wait"),
)


def main() -> int:
    url = sys.argv[1]
    data_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    settings = Settings().model_copy(update={"match_window_days": 0})  # as the bench
    pages = article_pages(data_dir)

    def run() -> None:
        with connect(url) as conn, conn.transaction():
            ingest_targets(
                conn, pages, settings=settings, fetch=lambda t, _v: read_file(t, settings)
            )
            raise psycopg.Rollback()  # the transaction ends there, rolled back, and goes on

    run()  # warm: models loaded, caches filled
    profile = cProfile.Profile()
    profile.enable()
    run()
    profile.disable()
    stats = pstats.Stats(profile).stats  # type: ignore[attr-defined]  # (no public accessor)
    articles = len(pages)
    print(f"{articles} articles; milliseconds per article")
    for label, path, name in STEPS:
        total = sum(
            cumulative
            for (file, _line, function), (_cc, _nc, _tt, cumulative, _callers) in stats.items()
            if file.endswith(path) and function == name
        )
        print(f"{total / articles * 1000:8.1f}  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
