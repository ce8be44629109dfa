#!/usr/bin/env bash
# `make bench`: wrk through nginx on GET /api/v1/health against (a) menu-api, (b) nginx answering the same JSON
# itself, (c) the C libfcgi floor (bench/fcgi-floor.c), all in one run so the ratios hold on a noisy machine.
# Then the Upload section (issue 5):
#   cache hit   wrk POSTs one ~1 MB menu photo, already read once, to the upload route, against the C floor receiving
#               the same POST; one round with one client, two with BENCH_UPLOAD_CONNECTIONS, each followed by RSS
#   fan-out     one request with 20 distinct small menus to a second responder whose only tier is GPT vision, served
#               by scripts/fake-openai.py answering after BENCH_OPENAI_DELAY seconds: wall time against 20 x delay
#   jobs        BENCH_JOB_IMAGES (200) images as async uploads, drained by 1, 2 and 4 `menu-api worker` processes
#               (BENCH_JOB_PROCESSES) of BENCH_JOB_LANES (4) threads: images/s against processes x lanes / delay, and
#               the 202's p50
# Settings: BENCH_SECONDS (10), BENCH_CONNECTIONS ("8 32": one round per wrk connection count), BENCH_WORKERS (16
# responder threads, the default), BENCH_KEEPALIVE (8, as in nginx/menu-api.conf), BENCH_UPLOAD_CONNECTIONS (4),
# BENCH_UPLOAD_FILES (20), BENCH_OPENAI_DELAY (1), BENCH_UPLOAD_PARALLELISM ("4 8": one fan-out per value),
# BENCH_SECTIONS ("health cache-hit fan-out jobs metrics", all of them: the sections to run, e.g.
# BENCH_SECTIONS=cache-hit for the cache-hit rounds and their floor alone).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
source scripts/lib.sh
measurement_environment

seconds=${BENCH_SECONDS:-10}
connection_counts=${BENCH_CONNECTIONS:-8 32}
workers=${BENCH_WORKERS:-16}
keepalive=${BENCH_KEEPALIVE:-8}
upload_connections=${BENCH_UPLOAD_CONNECTIONS:-4}
upload_files=${BENCH_UPLOAD_FILES:-20}
openai_delay=${BENCH_OPENAI_DELAY:-1}
upload_parallelisms=${BENCH_UPLOAD_PARALLELISM:-4 8}
sections=" ${BENCH_SECTIONS:-health cache-hit fan-out jobs metrics} "
# Whether section $1 runs.
wants() { [[ $sections == *" $1 "* ]]; }
# No responder runs job workers: all share one database, and only the Jobs section's worker processes (their
# --workers option) may drain its queue, or they would be measured with help.
export MENU_API_JOB_WORKERS=0

scripts/deps.sh bench
swift build -c release --product menu-api
binary=$(swift build -c release --show-bin-path)/menu-api

work=$(mktemp -d /tmp/menu-api-bench.XXXXXX)
chmod 755 "$work"
pids=()
# Stops one process this script started (TERM, then KILL after 5 s) and forgets it.
stop_process() {
    local pid=$1 i kept=()
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    for i in "${pids[@]}"; do [ "$i" = "$pid" ] || kept+=("$i"); done
    pids=("${kept[@]}")
}
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
# The upload images, rendered before anything is measured so ImageMagick takes no CPU from a round.
scripts/render-bench-images.py photo "$work/photo.jpg" >/dev/null
if wants fan-out || wants jobs; then
    set_number=0
    for parallelism in $upload_parallelisms; do
        set_number=$((set_number + 1))
        scripts/render-bench-images.py small "$work/menus-$set_number" --count "$upload_files" --seed "$set_number" \
            >/dev/null
    done
fi
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
    -e "s|{{FLOOR_SOCKET}}|$work/floor.sock|g" -e "s|{{KEEPALIVE}}|$keepalive|g" -e "s|{{WEB_ROOT}}|$root/web|g" \
    bench/nginx-bench.conf.template >"$prefix/nginx.conf"
chmod 755 "$prefix" "$prefix/tmp"
nginx -p "$prefix" -c "$prefix/nginx.conf" -e "$prefix/logs/error.log" -g 'daemon off;' &
pids+=($!)
sleep 0.5

# wrk prints "Requests/sec: N" and, with --latency, lines "50% 1.23ms"; normalise latencies to milliseconds.
# usage: measure PORT CONNECTIONS [PATH [WRK_OPTIONS...]]   (PATH defaults to the health route)
measure() {
    local port=$1 connections=$2 path=${3:-/api/v1/health} out
    shift $(($# < 3 ? $# : 3))
    [ "$path" = /api/v1/health ] && curl -fsS "http://127.0.0.1:$port$path" >/dev/null
    local threads=$((connections < 2 ? 1 : 2))  # wrk needs a connection per thread
    wrk -t$threads -c"$connections" -d2s "$@" "http://127.0.0.1:$port$path" >/dev/null  # warm-up
    out=$(wrk -t$threads -c"$connections" -d"${seconds}s" --latency "$@" "http://127.0.0.1:$port$path")
    local rps p50 p99 errors
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    errors=$(awk '/Non-2xx|Socket errors|^responses without .*: [1-9]/ {print}' <<<"$out")
    [ -n "$errors" ] && echo "  warning: $errors" >&2
    echo "$rps $(to_ms "$p50") $(to_ms "$p99")"
}
rss() { awk '/VmRSS/ {print $2, $3}' "/proc/$1/status"; }
to_ms() {
    awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n += 0; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}

if wants health; then
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
fi
menu_api_pid=${pids[0]}
echo "menu-api RSS after the run: $(rss "$menu_api_pid")"

# ---- Upload (issue 5) ----

# Fails unless the upload response in $1 has $2 files, every one read successfully, each with cached = $3.
check_upload() {
    python3 - "$@" <<'PY'
import json, sys
path, files, cached = sys.argv[1], int(sys.argv[2]), sys.argv[3] == "true"
try:
    with open(path, encoding="utf-8") as handle:
        body = json.load(handle)
    problems = []
    if body.get("total") != files or body.get("successful") != files:
        problems.append(f"total {body.get('total')}, successful {body.get('successful')}, expected {files}")
    for result in body["results"]:
        if result.get("status") != "success":
            problems.append(f"{result.get('file')}: {result.get('error')}")
        elif result.get("cached") is not cached:
            problems.append(f"{result.get('file')}: cached is {result.get('cached')}, expected {cached}")
except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
    problems = [f"not an upload response ({error})"]
if problems:
    sys.exit(f"bench: upload check failed ({path}): " + "; ".join(problems[:5]))
PY
}

# Uploads send a restaurant key, as production requires (B2B_AUTH=required there), so the key lookup is measured.
restaurant=$("$binary" restaurants create --name "Bench restaurant")
restaurant_id=$(sed -n 's/^restaurant_id: //p' <<<"$restaurant")
api_key=$(sed -n 's/^api_key: //p' <<<"$restaurant")
upload_path=/api/v1/b2b/restaurants/$restaurant_id/menus/upload-images

# The multipart body wrk repeats, built once: one `files` part holding the photo, as `curl -F files=@menu.jpg` sends.
boundary=menu-api-bench-boundary-5b1e0c
{
    printf -- '--%s\r\nContent-Disposition: form-data; name="files"; filename="menu.jpg"\r\n' "$boundary"
    printf 'Content-Type: image/jpeg\r\n\r\n'
    cat "$work/photo.jpg"
    printf -- '\r\n--%s--\r\n' "$boundary"
} >"$work/upload-body"
export BENCH_UPLOAD_BODY=$work/upload-body
export BENCH_UPLOAD_CONTENT_TYPE="multipart/form-data; boundary=$boundary"
export BENCH_UPLOAD_AUTHORIZATION="Bearer $api_key"
post_photo() {
    curl -sS --max-time 120 -o "$2" -H "Authorization: $BENCH_UPLOAD_AUTHORIZATION" \
        -H "Content-Type: $BENCH_UPLOAD_CONTENT_TYPE" --data-binary "@$BENCH_UPLOAD_BODY" \
        "http://127.0.0.1:$1$upload_path"
}
# The first upload reads the photo with the default local tier (Tesseract, about 2 s) and caches the result; from
# then on the same bytes are a cache hit, which the rounds below check on every response.
post_photo "$port_menu_api" "$work/upload-first.json"
check_upload "$work/upload-first.json" 1 false
post_photo "$port_menu_api" "$work/upload-hit.json"
check_upload "$work/upload-hit.json" 1 true

echo
echo "Upload"
photo_bytes=$(stat -c %s "$work/photo.jpg")
body_bytes=$(stat -c %s "$work/upload-body")
# Baseline: the same POST to the C floor through the same nginx (bench/nginx-bench.conf.template, same body limits):
# nginx receives and buffers the 1 MB body and passes it over FastCGI to a responder that reads every byte and
# answers. That is the least any responder behind this nginx can do with the request, so the difference is menu-api's
# own work on a hit: multipart parsing, the image check, SHA-256 of the image, key and cache look-ups, the task rows,
# the JSON answer. nginx answering by itself (`return 200`) would flatter the baseline: it drops the body as it
# arrives, buffering and forwarding nothing.
# Round 1: one client at a time (the latency a restaurant sees); rounds 2 and 3: concurrent clients, twice, so the
# RSS after each shows whether memory settles.
if wants cache-hit; then
    round=0
    summary=()
    for connections in 1 "$upload_connections" "$upload_connections"; do
        round=$((round + 1))
        echo
        echo "Cache hit, round $round: POST /api/v1/b2b/restaurants/{id}/menus/upload-images through nginx," \
            "one $photo_bytes-byte 3000x4000 JPEG ($body_bytes-byte multipart body)," \
            "wrk -t$((connections < 2 ? 1 : 2)) -c$connections -d${seconds}s"
        read -r floor_rps floor_p50 floor_p99 <<<"$(measure "$port_floor" "$connections" "$upload_path" \
            -s bench/upload.lua)"
        read -r api_rps api_p50 api_p99 <<<"$(BENCH_UPLOAD_EXPECT='"cached":true' measure "$port_menu_api" \
            "$connections" "$upload_path" -s bench/upload.lua)"
        printf "%-30s %12s %10s %10s\n" "target" "req/s" "p50 ms" "p99 ms"
        printf "%-30s %12.0f %10s %10s\n" "C libfcgi floor (reads body)" "$floor_rps" "$floor_p50" "$floor_p99"
        printf "%-30s %12.0f %10s %10s\n" "menu-api (cache hit)" "$api_rps" "$api_p50" "$api_p99"
        awk -v a="$api_rps" -v f="$floor_rps" -v ap="$api_p50" -v fp="$floor_p50" -v aq="$api_p99" -v fq="$floor_p99" \
            'BEGIN { printf "ratios: menu-api / C floor = %.2fx req/s, p50 %.2fx, p99 %.2fx\n", a / f, ap / fp, aq / fq }'
        echo "menu-api RSS after round $round: $(rss "$menu_api_pid")"
        summary+=("$(awk -v c="$connections" -v ap="$api_p50" -v fp="$floor_p50" \
            'BEGIN { printf "%d client%s %.2f / %.2f ms = %.2fx", c, c == 1 ? "" : "s", ap, fp, ap / fp }')")
    done
    # Issue 11 aims at 3x for one client and 4x for four.
    echo
    printf "Cache hit p50, menu-api / C floor (same run):"
    printf " %s;" "${summary[@]}"
    echo
fi

# A provider that takes a fixed time per image, so the wall time of one request shows how many files run at once.
if wants fan-out || wants jobs; then
    python3 scripts/fake-openai.py --delay "$openai_delay" >"$work/fake-openai.out" 2>"$work/fake-openai.log" &
    pids+=($!)
    for i in $(seq 1 100); do grep -q '^listening on ' "$work/fake-openai.out" && break; sleep 0.1; done
    openai_port=$(sed -n 's/^listening on 127\.0\.0\.1://p' "$work/fake-openai.out")
    [ -n "$openai_port" ] || { echo "bench: fake-openai.py did not start; see $work/fake-openai.log" >&2; exit 1; }
    sequential=$(awk -v n="$upload_files" -v d="$openai_delay" 'BEGIN { printf "%g", n * d }')
fi

if wants fan-out; then
    set_number=0
    for parallelism in $upload_parallelisms; do
        set_number=$((set_number + 1))
        # A responder of its own (GPT vision as its only tier, pointed at the fake) behind its own nginx, rendered from
        # the production template as `make run` does. Each parallelism gets its own images, so none is a cache hit.
        socket=$work/upload-$set_number.sock
        UPLOAD_PARALLELISM=$parallelism OCR_TIERS=gpt_vision OPENAI_API_KEY=bench \
            OPENAI_BASE_URL=http://127.0.0.1:$openai_port/v1 MENU_API_WORKERS=$workers MENU_API_SOCKET_MODE=0666 \
            LOG_LEVEL=warning "$binary" serve --listen "unix:$socket" 2>"$work/upload-$set_number.log" &
        upload_pid=$!
        pids+=($upload_pid)
        wait_for_file "$socket" || { echo "bench: the upload responder did not start; see its log" >&2; exit 1; }
        upload_port=$(free_port $((port_floor + 1)))
        upload_prefix=$work/nginx-upload-$set_number
        scripts/render-nginx.sh "$upload_prefix" "$upload_port" "unix:$socket" "$keepalive"
        nginx -p "$upload_prefix" -c "$upload_prefix/nginx.conf" -e "$upload_prefix/logs/error.log" -g 'daemon off;' &
        upload_nginx_pid=$!
        pids+=($upload_nginx_pid)
        for i in $(seq 1 50); do
            curl -fs -o /dev/null "http://127.0.0.1:$upload_port/api/v1/health" && break
            sleep 0.1
        done

        form=()
        for file in "$work/menus-$set_number"/*.jpg; do form+=(-F "files=@$file;type=image/jpeg"); done
        curl -fsS -o /dev/null "http://127.0.0.1:$openai_port/stats"  # counts start now
        read -r status wall <<<"$(curl -sS --max-time 300 -o "$work/fan-out-$set_number.json" \
            -w '%{http_code} %{time_total}' -H "Authorization: Bearer $api_key" "${form[@]}" \
            "http://127.0.0.1:$upload_port$upload_path")"
        if [ "$status" != 200 ]; then
            echo "bench: the upload answered $status: $(head -c 500 "$work/fan-out-$set_number.json")" >&2
            exit 1
        fi
        check_upload "$work/fan-out-$set_number.json" "$upload_files" false
        most=$(curl -fsS "http://127.0.0.1:$openai_port/stats" |
            python3 -c 'import json, sys; print(json.load(sys.stdin)["max_in_flight"])')
        kilobytes=$(($(du -sk "$work/menus-$set_number" | cut -f1) / upload_files))
        echo
        echo "Cache miss, UPLOAD_PARALLELISM=$parallelism: $upload_files distinct ~$kilobytes KB menus in one request" \
            "through nginx, GPT vision tier only, fake OpenAI answering after $openai_delay s"
        awk -v w="$wall" -v s="$sequential" -v m="$most" \
            'BEGIN { printf "wall %.2f s; sequential %g s; speed-up %.1fx; provider calls at once: at most %d\n",
                     w, s, s / w, m }'
        echo "responder RSS after it: $(rss "$upload_pid")"
        stop_process "$upload_nginx_pid"
        stop_process "$upload_pid"
    done
fi

# ---- Jobs (issue 12): async uploads drained by `menu-api worker` processes ----
if wants jobs; then
    # BENCH_JOB_IMAGES distinct images (variants of one small menu: a JPEG comment makes each its own cache key) sent as
    # async uploads of 20 files; the responder runs no job workers, BENCH_JOB_LANES worker threads per process do the
    # reading, with the fake OpenAI answering after BENCH_OPENAI_DELAY s. The bound is processes x lanes / delay.
    job_images=${BENCH_JOB_IMAGES:-200}
    job_lanes=${BENCH_JOB_LANES:-4}
    job_processes=${BENCH_JOB_PROCESSES:-1 2 4}
    job_socket=$work/jobs.sock
    MENU_API_JOB_WORKERS=0 OCR_TIERS=gpt_vision OPENAI_API_KEY=bench OPENAI_BASE_URL=http://127.0.0.1:$openai_port/v1 \
        MENU_API_WORKERS=$workers MENU_API_SOCKET_MODE=0666 LOG_LEVEL=warning \
        "$binary" serve --listen "unix:$job_socket" 2>"$work/jobs-responder.log" &
    jobs_pid=$!
    pids+=($jobs_pid)
    wait_for_file "$job_socket" || { echo "bench: the jobs responder did not start" >&2; exit 1; }
    jobs_port=$(free_port $((port_floor + 2)))
    scripts/render-nginx.sh "$work/nginx-jobs" "$jobs_port" "unix:$job_socket" "$keepalive"
    nginx -p "$work/nginx-jobs" -c "$work/nginx-jobs/nginx.conf" -e "$work/nginx-jobs/logs/error.log" -g 'daemon off;' &
    pids+=($!)
    for i in $(seq 1 50); do curl -fs -o /dev/null "http://127.0.0.1:$jobs_port/api/v1/health" && break; sleep 0.1; done
    first_menu=$(ls "$work/menus-1"/*.jpg | head -1)
    echo
    echo "Jobs: $job_images distinct ~$(($(stat -c %s "$first_menu") / 1024)) KB images as async uploads of 20," \
        "drained by menu-api worker processes ($job_lanes lanes each), fake OpenAI answering after $openai_delay s"
    printf "%-12s %10s %12s %12s %10s %12s %14s\n" "processes" "drain s" "images/s" "bound/s" "of bound" "file ms" \
        "202 p50 ms"
    for processes in $job_processes; do
        variants=$work/job-images-$processes
        python3 - "$first_menu" "$variants" "$job_images" "$processes" <<'PY'
import os, sys
source, directory, count, label = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
jpeg = open(source, "rb").read()
os.makedirs(directory, exist_ok=True)
for index in range(count):
    comment = f"bench {label}-{index}".encode()
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    with open(os.path.join(directory, f"menu-{index:04d}.jpg"), "wb") as out:
        out.write(jpeg[:2] + segment + jpeg[2:])
PY
        worker_pids=()
        for i in $(seq 1 "$processes"); do
            OCR_TIERS=gpt_vision OPENAI_API_KEY=bench OPENAI_BASE_URL=http://127.0.0.1:$openai_port/v1 \
                OCR_CONCURRENCY=$job_lanes LOG_LEVEL=info "$binary" worker --workers "$job_lanes" \
                2>"$work/jobs-worker-$processes-$i.log" &
            worker_pids+=($!)
            pids+=($!)
        done
        for i in $(seq 1 "$processes"); do
            for j in $(seq 1 100); do grep -q "worker ready" "$work/jobs-worker-$processes-$i.log" && break; sleep 0.1; done
        done
        since=$(psql "$DATABASE_URL" -Atc "SELECT now()")
        : >"$work/jobs-202-$processes.txt"
        files=("$variants"/*.jpg)
        for ((start = 0; start < ${#files[@]}; start += 20)); do
            form=()
            for file in "${files[@]:start:20}"; do form+=(-F "files=@$file;type=image/jpeg"); done
            read -r status seconds_202 <<<"$(curl -sS --max-time 60 -o "$work/jobs-202.json" -w '%{http_code} %{time_total}' \
                -H "Prefer: respond-async" -H "Authorization: Bearer $api_key" "${form[@]}" \
                "http://127.0.0.1:$jobs_port$upload_path")"
            [ "$status" = 202 ] || { echo "bench: async upload answered $status: $(head -c 300 "$work/jobs-202.json")" >&2; exit 1; }
            echo "$seconds_202" >>"$work/jobs-202-$processes.txt"
        done
        # Drained: every task of this round ended; the drain runs from the first task's creation to the last file's end.
        for i in $(seq 1 1200); do
            left=$(psql "$DATABASE_URL" -Atc "SELECT count(*) FROM upload_tasks WHERE created_at >= '$since' AND status NOT IN ('completed', 'failed', 'interrupted')")
            [ "$left" = 0 ] && break
            sleep 0.1
        done
        [ "$left" = 0 ] || { echo "bench: the queue did not drain" >&2; exit 1; }
        # file ms: a file's own time in its worker (cache look-up, lock, provider, cache store), from its event; the rest
        # of the drain is claiming, finishing and waiting.
        read -r drain ok file_ms <<<"$(psql "$DATABASE_URL" -AtF ' ' -c "SELECT extract(epoch FROM max(t.completed_at) - min(t.created_at)), sum(t.successful), (SELECT round(avg(e.processing_ms)) FROM ocr_events e WHERE e.occurred_at >= '$since') FROM upload_tasks t WHERE t.created_at >= '$since'")"
        [ "$ok" = "$job_images" ] || { echo "bench: $ok of $job_images images succeeded" >&2; exit 1; }
        p50=$(sort -n "$work/jobs-202-$processes.txt" | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] * 1000 }')
        awk -v n="$job_images" -v d="$drain" -v p="$processes" -v l="$job_lanes" -v delay="$openai_delay" -v p50="$p50" \
            -v f="$file_ms" 'BEGIN { rate = n / d; bound = p * l / delay
                printf "%-12d %10.2f %12.2f %12.2f %9.0f%% %12s %14s\n", p, d, rate, bound, 100 * rate / bound, f, p50 }'
        for pid in "${worker_pids[@]}"; do stop_process "$pid"; done
    done
    stop_process "$jobs_pid"
fi

# The admin metrics route with a million events (its own PostgreSQL cluster, responder and nginx).
if wants metrics; then
    MENU_API_BENCH_BINARY=$binary scripts/bench-metrics.sh
fi
