# Shared shell helpers for scripts/*.sh: sourced, never run. Bash only.
#
# Everything here works on a fresh Debian machine from a clean clone: it installs what is missing
# (apt as root, or through sudo), never assumes a service is already running, and puts every
# throwaway server on 127.0.0.1 on a free port so several runs can share one machine.

# shellcheck shell=bash

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"
VENV_STAMP="$VENV/.rakuten-link-installed"
# fonts-ipafont-gothic: without a Japanese font, Chromium screenshots of the admin show only boxes, and the
# delivery-slip PDFs have no glyphs. libpango-1.0-0, libpangoft2-1.0-0, libharfbuzz-subset0: what WeasyPrint
# (the slips) loads at run time. poppler-utils: pdftotext, with which the tests read the slips back.
APT_PACKAGES=(chromium chromium-driver redis-server postgresql gettext fonts-ipafont-gothic
              libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)

log() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Debian keeps initdb and pg_ctl out of PATH (in /usr/lib/postgresql/N/bin), so look there too.
# Prints the directory holding both, newest major version first; fails when there is none.
pg_bindir() {
    local dir on_path=""
    if command -v pg_ctl >/dev/null 2>&1; then
        on_path="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
    fi
    for dir in $on_path $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"
            return 0
        fi
    done
    return 1
}

# Installs the Debian packages the tests need, only when one of their programs is missing.
ensure_system_packages() {
    local missing=()
    [ -x /usr/bin/chromium ] || missing+=(chromium)
    command -v chromedriver >/dev/null 2>&1 || missing+=(chromedriver)
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    pg_bindir >/dev/null || missing+=("initdb/pg_ctl")
    command -v msgfmt >/dev/null 2>&1 || missing+=(msgfmt)
    [ -f /usr/share/fonts/opentype/ipafont-gothic/ipag.ttf ] || missing+=("a Japanese font")
    command -v pdftotext >/dev/null 2>&1 || missing+=(pdftotext)
    ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so.0 || missing+=(pango)
    ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset.so.0 || missing+=(harfbuzz-subset)
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    log "missing ${missing[*]}: installing ${APT_PACKAGES[*]} with apt-get"
    command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install ${APT_PACKAGES[*]} by hand"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${APT_PACKAGES[@]}"
    pg_bindir >/dev/null || die "PostgreSQL server binaries still missing after apt-get install"
}

# What the demo needs for delivery slips (WeasyPrint's libraries and a Japanese font), without the test tools.
SLIP_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-ipafont-gothic)
ensure_slip_packages() {
    if ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0.so.0 \
        && [ -f /usr/share/fonts/opentype/ipafont-gothic/ipag.ttf ]; then
        return 0
    fi
    command -v apt-get >/dev/null 2>&1 || { log "install ${SLIP_PACKAGES[*]} for delivery slips"; return 0; }
    log "installing ${SLIP_PACKAGES[*]} for delivery slips (PDF)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${SLIP_PACKAGES[@]}"
}

# Prints the first python3 interpreter of version 3.11 or newer.
find_python() {
    local candidate
    for candidate in python3 python3.13 python3.12 python3.11; do
        # pyenv shims exist for versions that are not active, so run each rather than trusting PATH.
        if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

# Creates .venv when missing and installs the project with its dev extras whenever pyproject.toml
# differs from the one last installed (its hash is kept in a stamp file inside .venv).
ensure_venv() {
    local python wanted
    if ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; then
        python="$(find_python)" || die "Python 3.11 or newer is needed to create .venv"
        log "creating .venv with $python"
        rm -rf "$VENV"
        "$python" -m venv "$VENV"
    fi
    wanted="$(sha256sum "$REPO_ROOT/pyproject.toml" | cut -d' ' -f1)"
    if [ "$(cat "$VENV_STAMP" 2>/dev/null)" != "$wanted" ]; then
        log "installing the project into .venv (pyproject.toml changed since the last install)"
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$REPO_ROOT[dev]"
        echo "$wanted" >"$VENV_STAMP"
    fi
}

# Compiles .po catalogues to .mo so the Japanese UI is what the tests see.
compile_translations() {
    if [ -z "$(find "$REPO_ROOT" -path "$VENV" -prune -o -name '*.po' -print -quit)" ]; then
        return 0
    fi
    (cd "$REPO_ROOT" && DJANGO_SETTINGS_MODULE=config.test_settings \
        "$VENV/bin/python" manage.py compilemessages --ignore=.venv -v 0)
}

# Prints a TCP port that nothing on 127.0.0.1 listens on right now.
free_port() {
    "$VENV/bin/python" - <<'EOF'
import socket

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
EOF
}

# PostgreSQL refuses to run as root, so as root its programs run as the `postgres` user.
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres DIR: a throwaway server with its data in DIR, listening on 127.0.0.1 only.
# Sets PG_DIR, PG_BIN and TEST_POSTGRES_URL; stop it with stop_postgres.
start_postgres() {
    local dir="$1" port password attempt
    PG_BIN="$(pg_bindir)" || die "PostgreSQL server binaries (initdb, pg_ctl) not found"
    PG_DIR="$dir"
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/sh postgres
    fi
    mkdir -p "$PG_DIR"
    chmod 700 "$PG_DIR"
    password="$("$VENV/bin/python" -c 'import secrets; print(secrets.token_hex(12))')"
    printf '%s\n' "$password" >"$PG_DIR/.pw"
    if [ "$(id -u)" -eq 0 ]; then
        chown -R postgres: "$PG_DIR"
    fi
    # C locale: the same byte-order sorting as SQLite, so both runs expect the same ordering.
    as_postgres "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --no-locale -E UTF8 --no-sync \
        --auth-local=trust --auth-host=scram-sha-256 --pwfile="$PG_DIR/.pw" >"$PG_DIR/initdb.log" 2>&1 \
        || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    # The tests may lose everything on a crash: trade durability for speed.
    cat >>"$PG_DIR/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$PG_DIR'
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    for attempt in 1 2 3; do
        port="$(free_port)"
        if as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -o "-p $port" -w -t 60 start \
            >/dev/null 2>&1; then
            break
        fi
        log "PostgreSQL did not start on port $port (attempt $attempt); see $PG_DIR/postgres.log"
        port=""
    done
    [ -n "$port" ] || { tail -n 20 "$PG_DIR/postgres.log" >&2; die "could not start PostgreSQL"; }
    PG_PORT="$port"
    "$PG_BIN/psql" -h "$PG_DIR" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q -X \
        -c "CREATE ROLE rakuten_link LOGIN CREATEDB PASSWORD '$password'" \
        -c "CREATE DATABASE rakuten_link OWNER rakuten_link" >/dev/null
    export TEST_POSTGRES_URL="postgres://rakuten_link:$password@127.0.0.1:$port/rakuten_link"
}

stop_postgres() {
    if [ -n "${PG_DIR:-}" ] && [ -f "$PG_DIR/data/postmaster.pid" ]; then
        as_postgres "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    fi
}

# start_redis DIR: a throwaway redis-server on 127.0.0.1 that never writes to disk.
# Sets REDIS_PID and TEST_REDIS_URL (database 0); stop it with stop_redis.
start_redis() {
    local dir="$1" port attempt i
    mkdir -p "$dir"
    for attempt in 1 2 3; do
        port="$(free_port)"
        # 128 databases: a block of 64 per test run, one per pytest-xdist worker (tests/support/services.py).
        redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize no --databases 128 \
            --dir "$dir" --logfile "$dir/redis.log" </dev/null >/dev/null 2>&1 &
        REDIS_PID=$!
        for i in $(seq 1 100); do
            if redis_ping "$port"; then
                export TEST_REDIS_URL="redis://127.0.0.1:$port/0"
                return 0
            fi
            kill -0 "$REDIS_PID" 2>/dev/null || break
            sleep 0.1
        done
        stop_redis
        log "redis-server did not start on port $port (attempt $attempt)"
    done
    tail -n 20 "$dir/redis.log" >&2 || true
    die "could not start redis-server"
}

redis_ping() {
    "$VENV/bin/python" - "$1" <<'EOF' >/dev/null 2>&1
import socket
import sys

with socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1) as s:
    s.sendall(b"PING\r\n")
    sys.exit(0 if s.recv(16).startswith(b"+PONG") else 1)
EOF
}

stop_redis() {
    if [ -n "${REDIS_PID:-}" ]; then
        kill "$REDIS_PID" 2>/dev/null || true
        wait "$REDIS_PID" 2>/dev/null || true
        REDIS_PID=""
    fi
}

# --- the demo (scripts/run-demo.sh) ---------------------------------------------------------------

# True when the project's .env sets NAME: the demo then leaves that setting to it.
env_file_sets() {
    [ -f "$REPO_ROOT/.env" ] && grep -Eq "^[[:space:]]*(export[[:space:]]+)?$1[[:space:]]*=" "$REPO_ROOT/.env"
}

# demo_field_key VAR_DIR: without a FIELD_ENCRYPTION_KEY, read (or make) the development key in VAR_DIR once
# and export it, so the demo says so once instead of every Django process printing the same warning.
# The file is the one config/settings.py falls back to, so a database made before stays readable.
demo_field_key() {
    local file="$1/dev-field-encryption.key"
    if [ -n "${FIELD_ENCRYPTION_KEY:-}" ] || env_file_sets FIELD_ENCRYPTION_KEY; then
        return 0
    fi
    if [ ! -s "$file" ]; then
        mkdir -p "$1"
        (umask 077 && "$VENV/bin/python" -c \
            'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' >"$file")
    fi
    FIELD_ENCRYPTION_KEY="$(tr -d '[:space:]' <"$file")"
    export FIELD_ENCRYPTION_KEY
    log "FIELD_ENCRYPTION_KEY is not set; using the development key in $file."
}

# demo_environment VAR_DIR: what every demo process shares. Needs SANDBOX_PORT, WEB_PORT and DEMO_SMTP_PORT.
# SITE_URL (the links in alert mails) follows WEB_PORT unless the user set it; buyer messages go to the demo's
# local relay on DEMO_SMTP_PORT, which takes SMTP AUTH without STARTTLS (loopback, no certificate).
demo_environment() {
    export DEBUG=True
    export RMS_API_BASE_URL="http://127.0.0.1:$SANDBOX_PORT"
    if [ -z "${SITE_URL:-}" ] && ! env_file_sets SITE_URL; then
        export SITE_URL="http://127.0.0.1:$WEB_PORT"
    fi
    export RAKUTEN_SMTP_HOST=127.0.0.1 RAKUTEN_SMTP_PORT="$DEMO_SMTP_PORT" RAKUTEN_SMTP_STARTTLS=False
    demo_field_key "$1"
}

# start_service NAME COMMAND...: run COMMAND in the background in its own session, so a Ctrl-C on the
# terminal reaches only this script, which then stops the services in order (stop_service). Records the pid
# (also the process group of everything the service starts, such as the cluster's workers) in SERVICE_PIDS.
declare -A SERVICE_PIDS=()
start_service() {
    local name="$1"
    shift
    setsid "$@" &
    SERVICE_PIDS[$name]=$!
}

# A service that has exited stays a zombie, still in its process group, until this shell waits for it.
reap_if_exited() {
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
    stat="${stat##*) }"
    if [ "${stat%% *}" = Z ]; then wait "$1" 2>/dev/null || true; fi
}

# stop_service NAME SECONDS: TERM to the service itself (the Q cluster then lets its workers finish their
# task), up to SECONDS for its whole process group to go, then KILL whatever of the group is left.
stop_service() {
    local name="$1" seconds="$2" pid="${SERVICE_PIDS[$1]:-}" i
    [ -n "$pid" ] || return 0
    unset "SERVICE_PIDS[$name]"
    kill -0 -- "-$pid" 2>/dev/null || return 0
    log "stopping $name"
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < seconds * 5; i++)); do
        reap_if_exited "$pid"
        kill -0 -- "-$pid" 2>/dev/null || break
        sleep 0.2
    done
    if kill -0 -- "-$pid" 2>/dev/null; then
        log "$name did not stop within $seconds s: killing it"
        kill -KILL -- "-$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}
