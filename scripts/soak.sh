#!/usr/bin/env bash
# `make soak` (issue 15): a bounded mixed load through nginx for SOAK_SECONDS (300; 60 for a quick run) against a
# release build of the responder, GPT vision as its only tier served by scripts/fake-openai.py answering after
# SOAK_OPENAI_DELAY seconds (0.1). scripts/soak.py is the client (SOAK_THREADS threads, 6): sync uploads of distinct
# images, repeated uploads (cache hits), async uploads polled to their end, health, the menu list, a PATCH of an
# item, the admin metrics route and three bad requests. It prints the requests sent, statuses by code, per-route
# counts, the responder's RSS and open fds every SOAK_SAMPLE_EVERY (1000) requests, and the accounting against
# PostgreSQL and the metrics route, and fails (exit 1) on a 5xx, an unexpected answer, an accounting difference,
# the fds at the end over the first sample under load + SOAK_FD_SLACK (20), or an RSS slope over the second half of
# the samples above SOAK_RSS_SLOPE_MB (1.0) MB per thousand requests (a leak of 1 KB per request).
# Everything listens on 127.0.0.1 or a Unix socket in a temporary directory and is stopped at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib.sh
measurement_environment

seconds=${SOAK_SECONDS:-300}
threads=${SOAK_THREADS:-6}
openai_delay=${SOAK_OPENAI_DELAY:-0.1}
sample_every=${SOAK_SAMPLE_EVERY:-1000}
fd_slack=${SOAK_FD_SLACK:-20}
rss_slope=${SOAK_RSS_SLOPE_MB:-1.0}
# Nor an admin token or a job-worker count from the shell: the soak sets its own.
unset ADMIN_TOKEN MENU_API_JOB_WORKERS

scripts/deps.sh bench
swift build -c release --product menu-api
binary=$(swift build -c release --show-bin-path)/menu-api

work=$(mktemp -d /tmp/menu-api-soak.XXXXXX)
chmod 755 "$work"
pids=()
# shellcheck disable=SC2317  # reached through the EXIT trap, which shellcheck does not follow
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 1 50); do
        alive=0
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" = 0 ] && break
        sleep 0.1
    done
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    scripts/pg.sh stop "$work/pg" || true
    rm -rf "$work"
}
trap cleanup EXIT

# One ~100 KB 900x1200 menu; the client makes each distinct image from it with a JPEG comment of its own.
scripts/render-bench-images.py small "$work/menus" --count 1 --seed 15 >/dev/null
scripts/pg.sh init "$work/pg" "$(free_port 57432)" --fast
DATABASE_URL=$(scripts/pg.sh url "$work/pg")
export DATABASE_URL
"$binary" migrate >/dev/null 2>"$work/migrate.log" || { cat "$work/migrate.log" >&2; exit 1; }

python3 scripts/fake-openai.py --delay "$openai_delay" >"$work/fake-openai.out" 2>"$work/fake-openai.log" &
pids+=($!)
for _ in $(seq 1 100); do grep -q '^listening on ' "$work/fake-openai.out" && break; sleep 0.1; done
openai_port=$(sed -n 's/^listening on 127\.0\.0\.1://p' "$work/fake-openai.out")
[ -n "$openai_port" ] || { echo "soak: fake-openai.py did not start; see $work/fake-openai.log" >&2; exit 1; }

# The responder as production runs it (conf/menu-api.service: MALLOC_ARENA_MAX=2), its default 16 threads and 2 job
# workers draining the async uploads, the admin routes behind a token.
admin_token=soak-admin-token-$RANDOM$RANDOM
MALLOC_ARENA_MAX=2 ADMIN_TOKEN=$admin_token OCR_TIERS=gpt_vision OPENAI_API_KEY=soak \
    OPENAI_BASE_URL=http://127.0.0.1:$openai_port/v1 MENU_API_SOCKET_MODE=0666 LOG_LEVEL=warning \
    "$binary" serve --listen "unix:$work/menu-api.sock" 2>"$work/menu-api.log" &
responder_pid=$!
pids+=("$responder_pid")
wait_for_file "$work/menu-api.sock" || { echo "soak: the responder did not start; see its log" >&2; exit 1; }
port=$(free_port 58600)
scripts/render-nginx.sh "$work/nginx" "$port" "unix:$work/menu-api.sock"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/logs/error.log" -g 'daemon off;' &
pids+=($!)
for _ in $(seq 1 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/api/v1/health" && break; sleep 0.1; done

restaurant=$("$binary" restaurants create --name "Soak restaurant")
restaurant_id=$(sed -n 's/^restaurant_id: //p' <<<"$restaurant")
api_key=$(sed -n 's/^api_key: //p' <<<"$restaurant")

status=0
python3 scripts/soak.py --base "http://127.0.0.1:$port" --pid "$responder_pid" --restaurant "$restaurant_id" \
    --key "$api_key" --admin-token "$admin_token" --image "$work/menus/menu-01.jpg" --database-url "$DATABASE_URL" \
    --seconds "$seconds" --threads "$threads" --sample-every "$sample_every" --fd-slack "$fd_slack" \
    --rss-slope-mb "$rss_slope" || status=$?
# The responder's own complaints (it logs at warning and above), for a person reading a failed run.
if [ -s "$work/menu-api.log" ]; then
    echo
    echo "responder log, warnings and errors ($(wc -l <"$work/menu-api.log") lines; the last 10):"
    tail -n 10 "$work/menu-api.log"
fi
kill -0 "$responder_pid" 2>/dev/null || { echo "soak: the responder died during the run" >&2; status=1; }
exit "$status"
