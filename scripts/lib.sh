# Shared helpers for the scripts; sourced, not run.

# A TCP port on 127.0.0.1 nobody listens on, starting the search at $1.
free_port() {
    local port=$1
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
    echo "$port"
}

# As root, the postgres user (the cluster's owner) and nginx's workers (nobody) must reach files below $1:
# give every ancestor directory the search bit they lack (only traversal, never listing).
allow_traversal() {
    [ "$(id -u)" = 0 ] || return 0
    local dir
    dir=$(cd "$1" && pwd)
    while [ "$dir" != / ]; do
        if (( (8#$(stat -c %a "$dir") & 1) == 0 )); then
            echo "note: adding o+x to $dir so postgres and nginx can reach $1"
            chmod o+x "$dir"
        fi
        dir=$(dirname "$dir")
    done
}

# Waits up to $2 seconds (default 30) for the file $1 to exist.
wait_for_file() {
    local i
    for i in $(seq 1 $(( ${2:-30} * 10 ))); do [ -e "$1" ] && return 0; sleep 0.1; done
    return 1
}

# The environment a measured run (`make bench`, `make soak`) starts its responders in. The load is the measurement,
# not abuse: the upload route's nginx limits (render-nginx.sh) are raised out of its way. The responders get their
# settings from the script only: a key or tier list exported in the shell must neither reach a real vendor nor
# change what is measured.
measurement_environment() {
    export MENU_API_UPLOAD_RATE_PER_ADDRESS=1000r/s MENU_API_UPLOAD_BURST_PER_ADDRESS=100000
    export MENU_API_UPLOAD_RATE_PER_KEY=1000r/s MENU_API_UPLOAD_BURST_PER_KEY=100000
    export MENU_API_UPLOAD_CONNECTIONS_PER_ADDRESS=10000 MENU_API_UPLOAD_CONNECTIONS_PER_KEY=10000
    unset OPENAI_API_KEY OPENAI_BASE_URL OPENAI_MODEL CLOVA_OCR_URL CLOVA_OCR_SECRET OCR_TIERS OCR_LOCAL_TIER \
        UPLOAD_PARALLELISM OCR_CONCURRENCY B2B_AUTH APP_ENV
}
