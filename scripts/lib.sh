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
