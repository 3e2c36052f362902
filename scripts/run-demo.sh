#!/usr/bin/env bash
# The main job (`make run`): on a fresh machine, sets up everything and runs the demo:
# the RMS sandbox (demo shop, rate limits on, a new random order every 30 s), a Django-Q2 cluster
# running the sync jobs, and the admin at http://127.0.0.1:8000/. Ctrl-C stops all three.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

SANDBOX_PORT="${SANDBOX_PORT:-8765}"
WEB_PORT="${WEB_PORT:-8000}"
DEMO_USER="${DEMO_USER:-admin}"
DEMO_PASSWORD="${DEMO_PASSWORD:-rakuten-demo}"

if ! command -v msgfmt >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    log "installing gettext for the Japanese UI"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gettext
fi
ensure_slip_packages
ensure_venv
PY="$VENV/bin/python"
(DEBUG=True "$PY" manage.py compilemessages --ignore=.venv -v 0) || log "compilemessages failed: UI in English"

export DEBUG=True
export RMS_API_BASE_URL="http://127.0.0.1:$SANDBOX_PORT"

PIDS=()
# Polite TERM first (the Q cluster finishes its tasks), then KILL whatever is still there after 5 s.
stop_all() {
    local pid alive
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 20); do
        alive=0
        for pid in "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.25
    done
    for pid in "${PIDS[@]}"; do
        pkill -KILL -P "$pid" 2>/dev/null || true
        kill -KILL "$pid" 2>/dev/null || true
    done
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$PY" manage.py migrate --noinput -v 0

log "starting the RMS sandbox on $RMS_API_BASE_URL"
"$PY" manage.py rms_sandbox --port "$SANDBOX_PORT" --seed demo --auto-orders-every 30 \
    --processing-delay 60 --rate-limits &
PIDS+=($!)
for _ in $(seq 1 50); do
    "$PY" -c "import requests,sys; requests.get('$RMS_API_BASE_URL/_sandbox/config', timeout=1)" 2>/dev/null && break
    sleep 0.2
done

"$PY" manage.py demo_data --sandbox-url "$RMS_API_BASE_URL"
"$PY" manage.py setup_schedules
# Verify the demo mappings against the sandbox and push the demo stock once, so the shop is in sync
# before the schedules take over.
"$PY" manage.py rakuten_sync mappings || log "mapping verification failed (see the admin's sync runs)"
"$PY" manage.py rakuten_sync inventory --full || log "inventory push failed (see the admin's sync runs)"
"$PY" manage.py shell -v 0 -c "
from django.contrib.auth import get_user_model
User = get_user_model()
user = User.objects.filter(username='$DEMO_USER').first() or User(username='$DEMO_USER', is_staff=True, is_superuser=True)
user.set_password('$DEMO_PASSWORD'); user.save()
"

log "starting the Django-Q2 cluster (sync jobs)"
"$PY" manage.py qcluster &
PIDS+=($!)
log "starting the poller (schedules on time, fast order fetch)"
"$PY" manage.py rakuten_poll &
PIDS+=($!)

cat <<MSG

  Rakuten Link demo
  admin:        http://127.0.0.1:$WEB_PORT/admin/
  user / pass:  $DEMO_USER / $DEMO_PASSWORD   (demo only)
  RMS sandbox:  $RMS_API_BASE_URL/_sandbox/config

MSG
"$PY" manage.py runserver "127.0.0.1:$WEB_PORT" --noreload
