#!/usr/bin/env bash
# The one test command (`make test` calls it): installs what a fresh machine lacks, starts a
# throwaway PostgreSQL and Redis on free loopback ports, then runs the whole pytest suite twice,
# first on SQLite (the default database), then on PostgreSQL. Extra arguments go to both pytest
# runs, e.g. `scripts/test.sh -k account -x`. Exits non-zero if either run fails.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

ensure_system_packages
ensure_venv
compile_translations

RUN_TMP="$(mktemp -d /tmp/rakuten-link-test.XXXXXX)"
chmod 755 "$RUN_TMP"  # the postgres user must reach its data directory inside
cleanup() {
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
# directory (so runs in parallel checkouts or terminals never share a SQLite file) and its own
# Redis database. A developer's own DATABASE_URL / REDIS_URL never leak into the tests.
run_pytest() {
    local label="$1" database_url="$2" redis_db="$3"
    shift 3
    local -a env_args=(-u DATABASE_URL -u REDIS_URL
        "RAKUTEN_LINK_VAR_DIR=$RUN_TMP/var-$redis_db"
        "TEST_REDIS_URL=$redis_base/$redis_db"
        "TEST_POSTGRES_URL=$TEST_POSTGRES_URL")
    if [ -n "$database_url" ]; then
        env_args+=("DATABASE_URL=$database_url")
    fi
    printf '\n########## %s ##########\n\n' "$label"
    env "${env_args[@]}" "$VENV/bin/python" -m pytest "$@"
}

if [ -f "$REPO_ROOT/.env" ] && grep -qE '^\s*DATABASE_URL\s*=' "$REPO_ROOT/.env"; then
    log "WARNING: .env sets DATABASE_URL; settings.py reads it, so the SQLite run may not be on SQLite"
fi

sqlite_rc=0
run_pytest "Run 1/2: SQLite (no DATABASE_URL)" "" 0 "$@" || sqlite_rc=$?
postgres_rc=0
run_pytest "Run 2/2: PostgreSQL (DATABASE_URL=postgres://...@127.0.0.1:$PG_PORT)" "$TEST_POSTGRES_URL" 1 "$@" \
    || postgres_rc=$?

# On success nothing follows pytest's own summary line, so it stays the last line of the output.
if [ "$sqlite_rc" -ne 0 ] || [ "$postgres_rc" -ne 0 ]; then
    printf '\nFAILED: SQLite run exit %s, PostgreSQL run exit %s\n' "$sqlite_rc" "$postgres_rc"
    if [ "$sqlite_rc" -ne 0 ]; then exit "$sqlite_rc"; fi
    exit "$postgres_rc"
fi
