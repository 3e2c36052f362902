#!/usr/bin/env bash
# The one test command (`make test` calls it): installs what a fresh machine lacks, starts a
# throwaway PostgreSQL and Redis on free loopback ports, then runs the whole pytest suite twice, on
# SQLite (the default database) and on PostgreSQL: the tests that touch a database run on both, the others
# once on SQLite, the browser tests once on PostgreSQL (tests/support/once.py). The runs go at once, each over
# pytest-xdist workers (TEST_WORKERS, 2 by default; each worker has its own database, var/ directory,
# Redis database and local ports). Each run writes a log; both logs are printed when both runs end,
# SQLite first, then the two summary lines, PostgreSQL's last. Extra arguments go to both runs, e.g.
# `scripts/test.sh -k account -x`; `-n 0` runs each in one process (needed for --pdb).
# TEST_SEQUENTIAL=1 runs SQLite, then PostgreSQL, printing as they go. Exits non-zero if either run fails.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ensure_system_packages
ensure_venv
compile_translations

RUN_TMP="$(mktemp -d /tmp/rakuten-link-test.XXXXXX)"
chmod 755 "$RUN_TMP"  # the postgres user must reach its data directory inside
RUN_PIDS=()
cleanup() {
    local pid
    for pid in "${RUN_PIDS[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null || true  # the run's whole session: pytest, its workers, browsers
    done
    stop_redis
    stop_postgres
    rm -rf "$RUN_TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_postgres "$RUN_TMP/pg"
start_redis "$RUN_TMP/redis"
redis_base="${TEST_REDIS_URL%/0}"
log "throwaway PostgreSQL on 127.0.0.1:$PG_PORT, redis-server on ${redis_base#redis://}"

# run_pytest LABEL DATABASE_URL REDIS_DB [pytest args...]: one full run, each with its own var/
# directory (so runs in parallel checkouts or terminals never share a SQLite file) and its own block of
# Redis databases, from REDIS_DB (its xdist worker gwN takes REDIS_DB + N). A developer's own
# DATABASE_URL / REDIS_URL never leak into the tests.
run_pytest() {
    local label="$1" database_url="$2" redis_db="$3"
    shift 3
    local -a env_args=(-u DATABASE_URL -u REDIS_URL
        "RAKUTEN_LINK_VAR_DIR=$RUN_TMP/var-$redis_db"
        "TEST_REDIS_URL=$redis_base/$redis_db"
        "TEST_POSTGRES_URL=$TEST_POSTGRES_URL"
        "RAKUTEN_TEST_SPLIT=1")  # each test where a second run proves something (tests/support/once.py)
    if [ -n "$database_url" ]; then
        env_args+=("DATABASE_URL=$database_url")
    fi
    printf '\n########## %s ##########\n\n' "$label"
    env "${env_args[@]}" "$VENV/bin/python" -m pytest -n "$TEST_WORKERS" --dist "$TEST_DIST" "$@"
}

if [ -f "$REPO_ROOT/.env" ] && grep -qE '^\s*DATABASE_URL\s*=' "$REPO_ROOT/.env"; then
    log "WARNING: .env sets DATABASE_URL; settings.py reads it, so the SQLite run may not be on SQLite"
fi

# Two runs x 2 workers on a 2-core machine: the tests wait on sockets, subprocesses and browsers
# often enough that four processes keep both cores busy (figures in docs/operations.md, "make test").
TEST_WORKERS="${TEST_WORKERS:-2}"
# worksteal: a worker that runs out of tests takes half of another's queue, so a few 10-20 s tests
# (real processes, real servers) do not leave one worker finishing alone.
TEST_DIST="${TEST_DIST:-worksteal}"
SQLITE_LABEL="Run 1/2: SQLite (no DATABASE_URL)"
POSTGRES_LABEL="Run 2/2: PostgreSQL (DATABASE_URL=postgres://...@127.0.0.1:$PG_PORT)"
sqlite_rc=0
postgres_rc=0
if [ "${TEST_SEQUENTIAL:-0}" = 1 ]; then
    run_pytest "$SQLITE_LABEL" "" 0 "$@" || sqlite_rc=$?
    run_pytest "$POSTGRES_LABEL" "$TEST_POSTGRES_URL" 64 "$@" || postgres_rc=$?
else
    # Each run in a session of its own (setsid), so stopping it stops its workers, browsers and servers.
    log "SQLite and PostgreSQL runs in parallel, $TEST_WORKERS workers each; their output follows when both end"
    export -f run_pytest
    export RUN_TMP redis_base VENV TEST_WORKERS TEST_DIST
    setsid -w bash -c 'run_pytest "$@"' run_pytest "$SQLITE_LABEL" "" 0 "$@" >"$RUN_TMP/sqlite.log" 2>&1 &
    RUN_PIDS=("$!")
    setsid -w bash -c 'run_pytest "$@"' run_pytest "$POSTGRES_LABEL" "$TEST_POSTGRES_URL" 64 "$@" \
        >"$RUN_TMP/postgres.log" 2>&1 &
    RUN_PIDS+=("$!")
    wait "${RUN_PIDS[0]}" || sqlite_rc=$?
    wait "${RUN_PIDS[1]}" || postgres_rc=$?
    RUN_PIDS=()
    cat "$RUN_TMP/sqlite.log" "$RUN_TMP/postgres.log"
    # pytest's summary line is each log's last line: both again, PostgreSQL's last.
    printf '\n########## Summaries: SQLite, then PostgreSQL ##########\n'
    tail -n 1 "$RUN_TMP/sqlite.log"
    tail -n 1 "$RUN_TMP/postgres.log"
fi

# On success nothing follows pytest's own summary line, so it stays the last line of the output.
if [ "$sqlite_rc" -ne 0 ] || [ "$postgres_rc" -ne 0 ]; then
    printf '\nFAILED: SQLite run exit %s, PostgreSQL run exit %s\n' "$sqlite_rc" "$postgres_rc"
    if [ "$sqlite_rc" -ne 0 ]; then exit "$sqlite_rc"; fi
    exit "$postgres_rc"
fi
