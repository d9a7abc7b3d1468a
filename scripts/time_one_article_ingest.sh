#!/usr/bin/env bash
# Wall time of a one-article `claimtrack ingest`, three ways: with no stack (Prefect's temporary
# server), with `claimtrack up` running and `--here` (the flow in the command's own process), and
# handed to the stack's warm scheduler. Each article is new (its own canonical URL). Uses its own
# CLAIMTRACK_HOME (default /tmp/claimtrack-one-article); stops its stack at the end.
#   scripts/time_one_article_ingest.sh [HOME]
set -u
cd "$(dirname "$0")/.."
CT=.venv/bin/claimtrack
export CLAIMTRACK_HOME=${1:-/tmp/claimtrack-one-article}
export PREFECT_SERVER_ANALYTICS_ENABLED=false
unset PREFECT_API_URL DATABASE_URL
ART=tests/fixtures/articles/01-valley-post-reservoir.html
mkdir -p "$CLAIMTRACK_HOME/articles"

article() {
    local f="$CLAIMTRACK_HOME/articles/$1-$(date +%s%N).html"
    sed "s/reservoir-drought/reservoir-drought-$1-$(date +%s%N)/" "$ART" > "$f"
    echo "$f"
}

timed() {
    local started ended
    started=$(date +%s.%N)
    "$@" > /dev/null 2> "$CLAIMTRACK_HOME/last.err"
    local rc=$?
    ended=$(date +%s.%N)
    printf '%6.2f s  exit %s  %s\n' "$(echo "$ended - $started" | bc)" "$rc" \
        "$(tail -1 "$CLAIMTRACK_HOME/last.err")"
}

$CT db start > /dev/null
echo "no stack (Prefect local mode: a temporary server)"
for _ in 1 2 3; do timed $CT ingest "$(article local)"; done
$CT up --without web > /dev/null 2>&1
echo "stack up, ingest --here (the flow in this process, the stack's Prefect server)"
for _ in 1 2 3; do timed $CT ingest --here "$(article here)"; done
echo "stack up (handed to the stack's warm scheduler)"
for _ in 1 2 3 4 5; do timed $CT ingest "$(article warm)"; done
$CT down > /dev/null 2>&1
