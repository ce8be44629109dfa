#!/usr/bin/env bash
# `make bench`: wrk through nginx on GET /api/v1/health against (a) menu-api, (b) nginx answering the same JSON
# itself, (c) the C libfcgi floor (bench/fcgi-floor.c), all in one run so the ratios hold on a noisy machine.
# Settings: BENCH_SECONDS (10), BENCH_CONNECTIONS ("8 32": one round per wrk connection count), BENCH_WORKERS (16
# responder threads, the default), BENCH_KEEPALIVE (8, as in nginx/menu-api.conf).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib.sh

seconds=${BENCH_SECONDS:-10}
connection_counts=${BENCH_CONNECTIONS:-8 32}
workers=${BENCH_WORKERS:-16}
keepalive=${BENCH_KEEPALIVE:-8}

scripts/deps.sh bench
swift build -c release --product menu-api
binary=$(swift build -c release --show-bin-path)/menu-api

work=$(mktemp -d /tmp/menu-api-bench.XXXXXX)
chmod 755 "$work"
pids=()
cleanup() {
    # TERM for menu-api and nginx; libfcgi turns SIGTERM into a "shutdown pending" flag the C floor never checks.
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    sleep 0.5
    for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    scripts/pg.sh stop "$work/pg" || true
    rm -rf "$work"
}
trap cleanup EXIT

gcc -O2 -o "$work/fcgi-floor" bench/fcgi-floor.c $(pkg-config --cflags --libs fcgi) -lpthread
scripts/pg.sh init "$work/pg" "$(free_port 56432)" --fast
export DATABASE_URL=$(scripts/pg.sh url "$work/pg")
"$binary" migrate >/dev/null

MENU_API_WORKERS=$workers MENU_API_SOCKET_MODE=0666 LOG_LEVEL=warning \
    "$binary" serve --listen "unix:$work/menu-api.sock" 2>"$work/menu-api.log" &
pids+=($!)
"$work/fcgi-floor" "$work/floor.sock" "$workers" &
pids+=($!)
wait_for_file "$work/menu-api.sock"
wait_for_file "$work/floor.sock"

port_menu_api=$(free_port 58100)
port_static=$(free_port $((port_menu_api + 1)))
port_floor=$(free_port $((port_static + 1)))
prefix=$work/nginx
mkdir -p "$prefix/logs" "$prefix/tmp"
cp /etc/nginx/fastcgi_params /etc/nginx/mime.types nginx/menu-api-locations.conf "$prefix/"
sed -e "s|{{PREFIX}}|$prefix|g" -e "s|{{PORT_MENU_API}}|$port_menu_api|g" -e "s|{{PORT_STATIC}}|$port_static|g" \
    -e "s|{{PORT_FLOOR}}|$port_floor|g" -e "s|{{MENU_API_SOCKET}}|$work/menu-api.sock|g" \
    -e "s|{{FLOOR_SOCKET}}|$work/floor.sock|g" -e "s|{{KEEPALIVE}}|$keepalive|g" bench/nginx-bench.conf.template >"$prefix/nginx.conf"
chmod 755 "$prefix" "$prefix/tmp"
nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" -g 'daemon off;' &
pids+=($!)
sleep 0.5

# wrk prints "Requests/sec: N" and, with --latency, lines "50% 1.23ms"; normalise latencies to milliseconds.
measure() {
    local port=$1 connections=$2 out
    curl -fsS "http://127.0.0.1:$port/api/v1/health" >/dev/null
    wrk -t2 -c"$connections" -d2s "http://127.0.0.1:$port/api/v1/health" >/dev/null  # warm-up
    out=$(wrk -t2 -c"$connections" -d"${seconds}s" --latency "http://127.0.0.1:$port/api/v1/health")
    local rps p50 p99 errors
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out")
    [ -n "$errors" ] && echo "  warning: $errors" >&2
    echo "$rps $(to_ms "$p50") $(to_ms "$p99")"
}
to_ms() {
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}

for connections in $connection_counts; do
    echo
    echo "GET /api/v1/health through nginx: wrk -t2 -c$connections -d${seconds}s, $workers responder threads, keepalive $keepalive"
    read -r static_rps static_p50 static_p99 <<<"$(measure "$port_static" "$connections")"
    read -r floor_rps floor_p50 floor_p99 <<<"$(measure "$port_floor" "$connections")"
    read -r api_rps api_p50 api_p99 <<<"$(measure "$port_menu_api" "$connections")"
    printf "%-22s %12s %10s %10s\n" "target" "req/s" "p50 ms" "p99 ms"
    printf "%-22s %12.0f %10s %10s\n" "nginx static JSON" "$static_rps" "$static_p50" "$static_p99"
    printf "%-22s %12.0f %10s %10s\n" "C libfcgi floor" "$floor_rps" "$floor_p50" "$floor_p99"
    printf "%-22s %12.0f %10s %10s\n" "menu-api" "$api_rps" "$api_p50" "$api_p99"
    awk -v a="$api_rps" -v f="$floor_rps" -v s="$static_rps" -v ap="$api_p99" -v fp="$floor_p99" \
        'BEGIN { printf "ratios: menu-api / C floor = %.2fx req/s (p99 %.2fx), menu-api / nginx static = %.2fx req/s\n", a / f, ap / fp, a / s }'
done
echo "menu-api RSS after the run: $(awk '/VmRSS/ {print $2, $3}' "/proc/${pids[0]}/status")"
