#!/bin/sh
# mod_fcgid's program for menu-api (conf/apache/menu-api-fcgid.conf): the service's environment, then the current
# release's responder, which takes the socket Apache passes on fd 0. Copy to the document root, mode 0755, and set
# the two paths. With suexec it runs as the site's user, who must be able to read the env file.
set -a
# shellcheck source=/dev/null
. "$HOME/menu-api/menu-api.env"
set +a
exec "$HOME/menu-api/current/menu-api"
