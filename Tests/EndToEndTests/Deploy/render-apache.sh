#!/usr/bin/env bash
# Apache for the shared-hosting test: a private server on 127.0.0.1:PORT with only the modules mod_fcgid needs,
# the shipped conf/apache/menu-api-fcgid.conf with its document root set to DIR/htdocs, and the shipped wrapper
# conf/apache/menu-api.fcgi there with its $HOME/menu-api set to DEPLOY_ROOT (which holds menu-api.env and current).
# usage: render-apache.sh DIR PORT DEPLOY_ROOT
# Then: apache2 -f DIR/apache2.conf -D FOREGROUND
set -euo pipefail
root=$(cd "$(dirname "$0")/../../.." && pwd)
dir=${1:?directory} port=${2:?port} deploy_root=${3:?deploy root}
modules=/usr/lib/apache2/modules
mkdir -p "$dir/htdocs" "$dir/logs" "$dir/fcgid"
# mod_fcgid's process manager runs as User and creates its sockets here.
chmod 777 "$dir/fcgid"
sed "s|\$HOME/menu-api|$deploy_root|g" "$root/conf/apache/menu-api.fcgi" >"$dir/htdocs/menu-api.fcgi"
chmod 755 "$dir/htdocs/menu-api.fcgi"
user_lines=
if [ "$(id -u)" = 0 ]; then user_lines=$'User nobody\nGroup nogroup'; fi
cat >"$dir/apache2.conf" <<CONF
ServerRoot "$dir"
ServerName 127.0.0.1
Listen 127.0.0.1:$port
PidFile "$dir/apache2.pid"
ErrorLog "$dir/logs/error.log"
LogLevel warn fcgid:info
$user_lines
LoadModule mpm_event_module $modules/mod_mpm_event.so
LoadModule authz_core_module $modules/mod_authz_core.so
LoadModule rewrite_module $modules/mod_rewrite.so
LoadModule fcgid_module $modules/mod_fcgid.so
DocumentRoot "$dir/htdocs"
FcgidIPCDir "$dir/fcgid"
FcgidProcessTableFile "$dir/fcgid/shm"
CONF
sed "s|/home/menu/public_html|$dir/htdocs|g" "$root/conf/apache/menu-api-fcgid.conf" >>"$dir/apache2.conf"
