#!/usr/bin/env bash
# Part of `make bench`: GET /api/v1/admin/ocr/metrics with one million events in ocr_events (seeded with
# generate_series over 30 days), through nginx, next to GET /api/v1/health on the same responder in the same run.
# The first metrics call rolls the closed hours up (timed separately); the figures are then read from roll-ups plus
# the raw events of the window's edges. Aim: under 50 ms per call.
# Settings: BENCH_SECONDS (10), BENCH_EVENTS (1000000).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib.sh

seconds=${BENCH_SECONDS:-10}
events=${BENCH_EVENTS:-1000000}
binary=${MENU_API_BENCH_BINARY:-$(swift build -c release --show-bin-path)/menu-api}

work=$(mktemp -d /tmp/menu-api-bench-metrics.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    scripts/pg.sh stop "$work/pg" >/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

scripts/pg.sh init "$work/pg" "$(free_port 56532)" --fast >/dev/null
export DATABASE_URL=$(scripts/pg.sh url "$work/pg")
"$binary" migrate >/dev/null 2>&1
seed_start=$(date +%s.%N)
psql "$DATABASE_URL" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO ocr_events (occurred_at, cached, is_run, provider, tier, attempts, fallback_triggered, fallback_codes,
    has_handwriting, item_count, price_count, price_error_count, price_error_item_count, confidence, processing_ms,
    status, error_kind, prompt_tokens, completion_tokens, estimated_cost_usd)
SELECT now() - (i % 2592000) * interval '1 second', i % 3 = 0, i % 3 <> 0,
    CASE WHEN i % 7 = 0 THEN 'clova' ELSE 'gpt_vision' END, CASE WHEN i % 7 = 0 THEN 2 ELSE 1 END, '[]', i % 7 = 0,
    CASE WHEN i % 7 = 0 THEN '{low_confidence}'::text[] ELSE '{}' END, i % 11 = 0, 10, 12, (i % 13 = 0)::int,
    (i % 13 = 0)::int, 0.9, 2000 + (i::bigint * 7919) % 3000, CASE WHEN i % 101 = 0 THEN 'failed' ELSE 'success' END,
    CASE WHEN i % 101 = 0 THEN 'ocr_failed' END, CASE WHEN i % 3 = 0 THEN 0 ELSE 25700 END,
    CASE WHEN i % 3 = 0 THEN 0 ELSE 180 END, CASE WHEN i % 3 = 0 THEN 0 ELSE 0.0040 END
FROM generate_series(1, $events) i;
VACUUM ANALYZE ocr_events;
SQL
echo
echo "Metrics: $events events seeded in $(awk -v s="$seed_start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }') s"

MENU_API_SOCKET_MODE=0666 LOG_LEVEL=warning "$binary" serve --listen "unix:$work/menu-api.sock" 2>"$work/menu-api.log" &
pids+=($!)
wait_for_file "$work/menu-api.sock"
port=$(free_port 58300)
scripts/render-nginx.sh "$work/nginx" "$port" "unix:$work/menu-api.sock" 8
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -e "$work/nginx/logs/error.log" -g 'daemon off;' &
pids+=($!)
sleep 0.5

first=$(curl -fsS -o /dev/null -w '%{time_total}' "http://127.0.0.1:$port/api/v1/admin/ocr/metrics")
echo "first call (rolls up $(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM ocr_events WHERE occurred_at < date_trunc('hour', now()) - interval '1 hour'") events into hours): $(awk -v t="$first" 'BEGIN { printf "%.0f", t * 1000 }') ms"
curl -fsS "http://127.0.0.1:$port/api/v1/admin/ocr/metrics" | head -c 330
echo " ..."

to_ms() {
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.2f", n }'
}
measure() {
    local path=$1 out
    wrk -t1 -c1 -d2s "http://127.0.0.1:$port$path" >/dev/null
    out=$(wrk -t1 -c1 -d"${seconds}s" --latency "http://127.0.0.1:$port$path")
    echo "$(awk '/Requests\/sec/ {print $2}' <<<"$out") $(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")") $(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")"
}
echo "wrk -t1 -c1 -d${seconds}s (one operator at a time), same responder and nginx:"
printf "%-44s %10s %10s %10s\n" "route" "req/s" "p50 ms" "p99 ms"
for path in /api/v1/health "/api/v1/admin/ocr/metrics" "/api/v1/admin/ocr/metrics?window=24h" \
    "/api/v1/admin/ocr/metrics?window=7d&series=hourly" "/api/v1/admin/ocr/metrics?format=prometheus"; do
    read -r rps p50 p99 <<<"$(measure "$path")"
    printf "%-44s %10.0f %10s %10s\n" "$path" "$rps" "$p50" "$p99"
done
