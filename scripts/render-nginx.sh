#!/usr/bin/env bash
# Renders the local nginx configuration into a prefix directory.
# usage: scripts/render-nginx.sh PREFIX PORT UPSTREAM [KEEPALIVE]   (UPSTREAM: unix:/path/menu-api.sock or 127.0.0.1:9000)
# The upload route's abuse limits default to the production site's (nginx/menu-api.conf) and may be set with
# MENU_API_UPLOAD_RATE_PER_ADDRESS (60r/m), MENU_API_UPLOAD_BURST_PER_ADDRESS (20), MENU_API_UPLOAD_RATE_PER_KEY
# (30r/m), MENU_API_UPLOAD_BURST_PER_KEY (10), MENU_API_UPLOAD_CONNECTIONS_PER_ADDRESS (8) and
# MENU_API_UPLOAD_CONNECTIONS_PER_KEY (4): the bench and most end-to-end tests raise them, as their load is no abuse.
# The web pages are served from MENU_API_WEB_ROOT, by default this checkout's web/ folder.
# Then: nginx -p PREFIX -c PREFIX/nginx.conf -e PREFIX/logs/error.log -g 'daemon off;'
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$1 port=$2 upstream=$3 keepalive=${4:-8}
mkdir -p "$prefix/logs" "$prefix/tmp"
cp /etc/nginx/fastcgi_params /etc/nginx/mime.types "$prefix/"
cp "$root/nginx/menu-api-locations.conf" "$prefix/"
sed -e "s|{{PREFIX}}|$prefix|g" -e "s|{{WEB_ROOT}}|${MENU_API_WEB_ROOT:-$root/web}|g" -e "s|{{PORT}}|$port|g" -e "s|{{UPSTREAM}}|$upstream|g" -e "s|{{KEEPALIVE}}|$keepalive|g" \
    -e "s|{{UPLOAD_RATE_PER_ADDRESS}}|${MENU_API_UPLOAD_RATE_PER_ADDRESS:-60r/m}|g" \
    -e "s|{{UPLOAD_BURST_PER_ADDRESS}}|${MENU_API_UPLOAD_BURST_PER_ADDRESS:-20}|g" \
    -e "s|{{UPLOAD_RATE_PER_KEY}}|${MENU_API_UPLOAD_RATE_PER_KEY:-30r/m}|g" \
    -e "s|{{UPLOAD_BURST_PER_KEY}}|${MENU_API_UPLOAD_BURST_PER_KEY:-10}|g" \
    -e "s|{{UPLOAD_CONNECTIONS_PER_ADDRESS}}|${MENU_API_UPLOAD_CONNECTIONS_PER_ADDRESS:-8}|g" \
    -e "s|{{UPLOAD_CONNECTIONS_PER_KEY}}|${MENU_API_UPLOAD_CONNECTIONS_PER_KEY:-4}|g" \
    "$root/nginx/menu-api.local.conf.template" > "$prefix/nginx.conf"
# nginx's workers run as nobody when started by root: they must reach the temp dirs and the socket's directory.
if [ "$(id -u)" = 0 ]; then chmod 755 "$prefix" "$prefix/tmp"; fi
