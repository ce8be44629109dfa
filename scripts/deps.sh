#!/usr/bin/env bash
# Installs the Debian packages a purpose needs, only the missing ones.
# usage: scripts/deps.sh build|run|test|bench|eval|eval-foreign
# As root it runs apt-get; otherwise it prints the exact apt-get line and fails.
set -euo pipefail

build=(pkg-config libfcgi-dev libpq-dev libcurl4-openssl-dev libssl-dev libvips-dev libtesseract-dev)
# run: a PostgreSQL server for the local cluster, nginx in front of the responder, Tesseract's Korean and English
# models for the local OCR tier.
run=("${build[@]}" postgresql nginx tesseract-ocr-kor tesseract-ocr-eng)
# chromium and chromium-driver: the web pages' browser tests (Tests/EndToEndTests/WebPagesEndToEndTests.swift)
# drive a headless Chromium through WebDriver, with Selenium from PyPI (below); Nanum draws the Korean labels in
# their screenshots. eval-foreign draws its menus with Chromium.
browser=(chromium chromium-driver python3 fonts-nanum)
# test: spawn-fcgi for the fd-0 start mode; prometheus for promtool, which checks a real scrape of the metrics
# route and the alerting rules (conf/prometheus), its server never started by us (see below); the browser for
# the pages' tests; for scripts/deploy's end-to-end test, git and curl (it fetches and checks through nginx),
# the shellcheck linter (the deploy scripts must pass it), apache2 and mod_fcgid for the shared-hosting case
# (conf/apache) on a private port; openssl for the TLS test (a self-signed certificate, then s_client per protocol
# version against the production site's TLS server); systemd for systemd-analyze, which checks the shipped units
# (no systemd is started).
test=("${run[@]}" spawn-fcgi prometheus "${browser[@]}" git curl shellcheck apache2 libapache2-mod-fcgid openssl
    systemd)
# bench: wrk for load, gcc for the C libfcgi floor responder, curl for single requests; ImageMagick and NanumGothic
# render the menu photos the upload rounds send, python3 runs the renderer and the fake OpenAI server.
# `make soak` (scripts/soak.sh) uses the same purpose: ImageMagick, NanumGothic, python3 (its client, soak.py, is
# standard library only), curl, nginx and PostgreSQL's psql.
bench=("${test[@]}" wrk gcc curl imagemagick fonts-nanum python3)
# eval: the Korean font families the two rendered sets split between them (printed, title and handwriting styles),
# python3 renders (with Pillow and numpy from PyPI, below) and scores them.
eval=("${run[@]}" python3 fonts-nanum fonts-nanum-extra fonts-noto-cjk fonts-unfonts-core fonts-unfonts-extra
    fonts-baekmuk fonts-alee fonts-lexi-gulim fonts-woowa-bm)
# eval-foreign: the same, and Chromium, which draws the foreign sets' HTML and CSS menus (render-foreign-menus.py).
eval_foreign=("${eval[@]}" "${browser[@]}")

case ${1:-run} in
build) wanted=("${build[@]}") ;;
run) wanted=("${run[@]}") ;;
test) wanted=("${test[@]}") ;;
bench) wanted=("${bench[@]}") ;;
eval) wanted=("${eval[@]}") ;;
eval-foreign) wanted=("${eval_foreign[@]}") ;;
*) echo "deps.sh: unknown purpose $1" >&2; exit 2 ;;
esac

# The renderer draws with Pillow and numpy: PyPI packages, installed for the invoking user when missing.
if [[ "${1:-run}" == eval* ]] && ! python3 -c "import PIL, numpy" 2>/dev/null; then
    echo "Installing from PyPI: pillow numpy"
    python3 -m pip install --quiet pillow numpy
fi

# The pages' browser tests drive Chromium with Selenium (scripts/web-pages-check.py), a PyPI package.
if [ "${1:-run}" = test ] && ! python3 -c "import selenium" 2>/dev/null; then
    echo "Installing from PyPI: selenium"
    python3 -m pip install --quiet "selenium>=4.11,<5"  # 4.11: Service(executable_path=...) as the script uses it
fi

# The OpenAPI contract's tests (Tests/EndToEndTests/OpenAPIConformanceTests.swift): openapi-spec-validator checks
# openapi.yaml, schemathesis sends generated requests through nginx and checks every answer against it. Both PyPI.
# Pinned to the series the test was written against: schemathesis 4 (its `run` options and schemathesis.toml
# settings), openapi-spec-validator 0.9 (still 0.x: below 1).
if [ "${1:-run}" = test ] && ! python3 -c "import openapi_spec_validator, schemathesis" 2>/dev/null; then
    echo "Installing from PyPI: openapi-spec-validator schemathesis"
    python3 -m pip install --quiet "openapi-spec-validator>=0.9,<1" "schemathesis>=4,<5"
fi

missing=()
for package in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
    echo "Missing Debian packages. Install them as root, then run this again:" >&2
    echo "  sudo apt-get update && sudo $line" >&2
    exit 1
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# The postgresql and nginx packages try to start their system services; we run our own on other ports, so a
# failing or absent service manager is harmless here.
$line >/dev/null
# Debian's prometheus package starts its server (listening on 0.0.0.0:9090) where a service manager runs, and
# enables it at boot; the tests need only promtool, so a server this script brought in is stopped and disabled at
# once. In containers, policy-rc.d (exit 101) already kept it from starting.
# The same for apache2, whose server would take port 80 from nginx's default site.
for service in prometheus apache2; do
    [[ " ${missing[*]} " == *" $service "* ]] || continue
    if [ -d /run/systemd/system ]; then
        systemctl disable --now "$service.service" >/dev/null 2>&1 || true
    elif [ -x "/etc/init.d/$service" ]; then
        "/etc/init.d/$service" stop >/dev/null 2>&1 || true
        update-rc.d "$service" disable >/dev/null 2>&1 || true
    fi
done
