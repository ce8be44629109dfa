#!/usr/bin/env bash
# The deploy test's DEPLOY_BUILD_COMMAND, run by scripts/deploy in its checkout of the revision: instead of a
# release build (minutes), the menu-api that `make test` built (MENU_API_BINARY) with the migrations of the
# checked-out revision, so each release differs by what the revision's tree holds. A revision with the file
# deploy-test-unready at its root gets a menu-api whose `serve` cannot reach PostgreSQL: it starts and answers
# /health, but /health/ready is 503, so the deploy fails after the switch.
set -euo pipefail
out=${DEPLOY_BUILD_OUT:?}
binary=${MENU_API_BINARY:?the debug menu-api}
mkdir -p "$out/menu-api_MenuStorage.resources"
cp -R Sources/MenuStorage/Migrations "$out/menu-api_MenuStorage.resources/"
if [ -e deploy-test-unready ]; then
    # Port 1 on loopback: nothing listens, so every connection is refused at once.
    cat >"$out/menu-api" <<WRAPPER
#!/bin/sh
if [ "\$1" = serve ]; then export DATABASE_URL=postgresql://menu_api@127.0.0.1:1/menu_api; fi
exec "$binary" "\$@"
WRAPPER
    chmod 755 "$out/menu-api"
else
    # A hard link where it can be (the debug binary is large), a copy across file systems.
    ln "$binary" "$out/menu-api" 2>/dev/null || cp "$binary" "$out/menu-api"
fi
