#!/usr/bin/env bash
# The main job (`make run`): on a fresh machine, sets up everything and runs the demo:
# the RMS sandbox (demo shop, rate limits on, a new random order every 30 s), a local mail relay for the
# buyer messages, a Django-Q2 cluster running the sync jobs, the poller, and the admin at
# http://127.0.0.1:8000/. Ctrl-C (or TERM) stops the admin, the poller, the cluster (its running tasks
# finish first) and then the relay and the sandbox, in that order.
#
# Ports: WEB_PORT (admin, 8000), SANDBOX_PORT (RMS sandbox, 8765), DEMO_SMTP_PORT (mail relay, 8025).
# SITE_URL, the base of the links in alert mails, follows WEB_PORT unless you set it.
set -euo pipefail

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO_ROOT"

SANDBOX_PORT="${SANDBOX_PORT:-8765}"
WEB_PORT="${WEB_PORT:-8000}"
DEMO_SMTP_PORT="${DEMO_SMTP_PORT:-8025}"
DEMO_USER="${DEMO_USER:-admin}"
DEMO_PASSWORD="${DEMO_PASSWORD:-rakuten-demo}"
VAR_DIR="${RAKUTEN_LINK_VAR_DIR:-$REPO_ROOT/var}"
MAIL_DIR="$VAR_DIR/demo-mail"

if ! command -v msgfmt >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    log "installing gettext for the Japanese UI"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends gettext
fi
ensure_slip_packages
ensure_venv  # the project with its dev extras: aiosmtpd, the demo's mail relay, is one of them
PY="$VENV/bin/python"
mkdir -p "$VAR_DIR"
demo_environment "$VAR_DIR"
(DEBUG=True "$PY" manage.py compilemessages --ignore=.venv -v 0) || log "compilemessages failed: UI in English"

stop_all() {
    trap '' INT TERM  # a second Ctrl-C does not cut the orderly stop short; each step has its own limit
    stop_service web 10
    stop_service poller 10
    stop_service cluster 60
    stop_service "mail relay" 5
    stop_service sandbox 5
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$PY" manage.py migrate --noinput -v 0

log "starting the RMS sandbox on $RMS_API_BASE_URL"
start_service sandbox "$PY" manage.py rms_sandbox --port "$SANDBOX_PORT" --seed demo --auto-orders-every 30 \
    --processing-delay 60 --rate-limits
for _ in $(seq 1 50); do
    "$PY" -c "import requests,sys; requests.get('$RMS_API_BASE_URL/_sandbox/config', timeout=1)" 2>/dev/null && break
    sleep 0.2
done
log "starting the mail relay on 127.0.0.1:$DEMO_SMTP_PORT (sent buyer messages go to $MAIL_DIR)"
start_service "mail relay" "$PY" manage.py demo_mail_relay --port "$DEMO_SMTP_PORT" --dir "$MAIL_DIR"

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
# A till's token for the integration API (docs/api.md), made afresh each run and printed below with a sale
# of the SKU that store S01 has most of and Rakuten sells (its SKU code, manageNumber and variantId).
DEMO_API_TOKEN="$("$PY" manage.py create_api_token demo-till --replace \
    --scopes stock:read,stock:write,orders:read,shipments:write 2>/dev/null)"
read -r DEMO_SKU DEMO_ITEM DEMO_VARIANT < <("$PY" manage.py shell -v 0 -c "
from inventory.models import StockLevel
from rakuten_link.models import ProductMapping
level = StockLevel.objects.filter(store__code='S01', sku__rakuten_mappings__status='ok').order_by('-on_hand', 'pk')[0]
m = ProductMapping.objects.filter(sku=level.sku, status='ok').order_by('pk')[0]
print(m.sku.code, m.manage_number, m.variant_id)
")

log "starting the Django-Q2 cluster (sync jobs)"
start_service cluster "$PY" manage.py qcluster
log "starting the poller (schedules on time, fast order fetch)"
start_service poller "$PY" manage.py rakuten_poll

cat <<MSG

  Rakuten Link demo
  admin:          http://127.0.0.1:$WEB_PORT/admin/
  user / pass:    $DEMO_USER / $DEMO_PASSWORD   (demo only)
  RMS sandbox:    $RMS_API_BASE_URL/_sandbox/config
  buyer messages: held for approval in the admin (購入者メッセージ); approved ones are sent through the
                  local relay and kept as .eml files in $MAIL_DIR
  API token:      $DEMO_API_TOKEN   (demo-till; docs at http://127.0.0.1:$WEB_PORT/api/v1/docs)
  post a sale:    curl -X POST http://127.0.0.1:$WEB_PORT/api/v1/stock/movements \\
                    -H "Authorization: Bearer $DEMO_API_TOKEN" -H "Content-Type: application/json" \\
                    -d '{"movements": [{"key": "demo-'\$RANDOM'", "sku": "$DEMO_SKU", "store": "S01", "kind": "sale", "quantity": 1}]}'
                  then watch Rakuten's quantity fall within a second or two:
                  curl "$RMS_API_BASE_URL/_sandbox/inventory?manageNumber=$DEMO_ITEM&variantId=$DEMO_VARIANT"
  Ctrl-C stops everything.

MSG
start_service web "$PY" manage.py runserver "127.0.0.1:$WEB_PORT" --noreload
wait "${SERVICE_PIDS[web]}"
