#!/usr/bin/env bash
# `make run`: everything needed to serve the API on http://127.0.0.1:8001 with the local OCR tier, in the
# foreground. Ctrl-C stops the responder, nginx and PostgreSQL; the data in var/postgres stays for next time.
# Settings: MENU_API_PORT (8001), MENU_API_PG_PORT (5433), and any variable of conf/menu-api.env.example in ./.env.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib.sh

scripts/deps.sh run
swift build -c release --product menu-api
binary=$(swift build -c release --show-bin-path)/menu-api

port=${MENU_API_PORT:-8001}
pg_port=${MENU_API_PG_PORT:-5433}
mkdir -p var/run var/log
chmod 755 var var/run
allow_traversal var

scripts/pg.sh init var/postgres "$pg_port"
export DATABASE_URL=${DATABASE_URL:-$(scripts/pg.sh url var/postgres)}
[ -f .env ] && { set -a; source .env; set +a; }
export MENU_API_SOCKET_MODE=${MENU_API_SOCKET_MODE:-0666}
"$binary" migrate
# A demo restaurant, made once and kept in var/ (its key cannot be read back from the database).
if [ ! -s var/demo-restaurant ]; then
    "$binary" restaurants create --name "Demo restaurant" > var/demo-restaurant.tmp && mv var/demo-restaurant.tmp var/demo-restaurant
fi
demo_id=$(sed -n 's/^restaurant_id: //p' var/demo-restaurant)
demo_key=$(sed -n 's/^api_key: //p' var/demo-restaurant)

socket=$root/var/run/menu-api.sock
responder_pid= nginx_pid=
stop_all() {
    trap - INT TERM EXIT
    echo
    echo "Stopping..."
    [ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null || true
    [ -n "$responder_pid" ] && kill -TERM "$responder_pid" 2>/dev/null || true
    wait 2>/dev/null || true
    scripts/pg.sh stop var/postgres
    echo "Stopped. Data kept in var/postgres."
}
trap stop_all INT TERM EXIT

rm -f "$socket"
"$binary" serve --listen "unix:$socket" 2> >(tee -a var/log/menu-api.log >&2) &
responder_pid=$!
wait_for_file "$socket" 30 || { echo "the responder did not start; see var/log/menu-api.log" >&2; exit 1; }

scripts/render-nginx.sh "$root/var/nginx" "$port" "unix:$socket" 8
nginx -p "$root/var/nginx" -c "$root/var/nginx/nginx.conf" -e "$root/var/nginx/logs/error.log" -g 'daemon off;' &
nginx_pid=$!
sleep 0.5
kill -0 "$nginx_pid" 2>/dev/null || { echo "nginx did not start; see var/nginx/logs/error.log" >&2; exit 1; }

cat <<MSG

menu-api is running (Ctrl-C stops it):
  health     http://127.0.0.1:$port/api/v1/health
  readiness  http://127.0.0.1:$port/api/v1/health/ready
  database   $DATABASE_URL
  logs       var/log/menu-api.log, var/nginx/logs/

demo restaurant (var/demo-restaurant):
  restaurant_id  $demo_id
  api_key        $demo_key
  upload:
    curl -H "Authorization: Bearer $demo_key" -F "files=@menu.jpg" http://127.0.0.1:$port/api/v1/b2b/restaurants/$demo_id/menus/upload-images
  metrics (from this machine):
    curl http://127.0.0.1:$port/api/v1/admin/ocr/metrics

MSG
wait "$responder_pid"
