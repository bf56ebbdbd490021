#!/bin/sh
# Debian libraries that WeasyPrint (PDF reports: `kerjasama report`, /laporan/) loads at render time:
# Pango, HarfBuzz's subsetter and a font (docs: stack.md B.2). The pip wheel is pure Python, so pip
# cannot bring them. Installs what is missing when run as root with apt; otherwise says what to run.
# Called by `make setup` (hence `make run`) and `make test` (hence .ci/run). Exit status 1 only when
# an install as root fails.
set -eu

PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"

if ! command -v dpkg >/dev/null 2>&1; then
    echo "system-deps: not a Debian system; PDF reports need Pango, HarfBuzz (subset) and the DejaVu fonts." >&2
    exit 0
fi

missing=""
for package in $PACKAGES; do
    if ! dpkg -s "$package" 2>/dev/null | grep -q '^Status: install ok installed'; then
        missing="$missing $package"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing$missing (for PDF reports)"
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine may have no package lists yet: update once when the first attempt fails.
    # shellcheck disable=SC2086  # one word per package
    if ! apt-get install -y -qq --no-install-recommends $missing >/dev/null; then
        apt-get update -qq
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing >/dev/null || {
            echo "system-deps: apt-get could not install$missing" >&2
            exit 1
        }
    fi
else
    echo "system-deps: PDF reports need$missing. Install them with:" >&2
    echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
fi
