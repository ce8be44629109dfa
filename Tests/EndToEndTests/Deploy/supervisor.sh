#!/usr/bin/env bash
# systemd's part in the deploy test: keeps one responder running from DIR/current/menu-api (resolved at each start,
# as systemd's ExecStart= does through the symlink) on the unix socket DIR/menu-api.sock, and restarts it on request.
# usage: supervisor.sh run DIR        in the foreground; SIGTERM stops the responder, then the supervisor
#        supervisor.sh restart DIR    the DEPLOY_RESTART_COMMAND: returns once the old responder has exited and a
#                                     new one was started (the deploy's checks then wait for it to answer)
set -euo pipefail
command=${1:?usage: supervisor.sh run|restart DIR}
dir=${2:?directory missing}

case $command in
run)
    child=
    generation=0
    start_child() {
        if [ -x "$dir/current/menu-api" ]; then
            rm -f "$dir/menu-api.sock"
            "$dir/current/menu-api" serve --listen "unix:$dir/menu-api.sock" >>"$dir/responder.log" 2>&1 &
            child=$!
            echo "$child" >"$dir/responder.pid"
        fi
        generation=$((generation + 1))
        echo "$generation" >"$dir/generation"
    }
    stop_child() {
        if [ -n "$child" ]; then
            kill -TERM "$child" 2>/dev/null || true
            wait "$child" 2>/dev/null || true
            child=
        fi
    }
    restart_requested=no
    trap 'restart_requested=yes' HUP
    trap 'stop_child; exit 0' TERM INT
    echo $$ >"$dir/supervisor.pid"
    start_child
    while true; do
        # A short sleep waited on in the background, so that the HUP trap runs within 0.2 s.
        sleep 0.2 &
        wait $! || true
        if [ "$restart_requested" = yes ]; then
            restart_requested=no
            stop_child
            start_child
        fi
    done
    ;;
restart)
    before=$(cat "$dir/generation")
    kill -HUP "$(cat "$dir/supervisor.pid")"
    for _ in $(seq 1 300); do
        [ "$(cat "$dir/generation")" != "$before" ] && exit 0
        sleep 0.1
    done
    echo "supervisor.sh: no restart after 30 s" >&2
    exit 1
    ;;
*)
    echo "supervisor.sh: unknown command $command" >&2
    exit 2
    ;;
esac
