#!/bin/sh
# wrk, the HTTP load generator of the benchmark's load stage (bench/load.py), from Debian's package.
# Called by `make bench`: installs it when missing and run as root with apt; otherwise says what to
# run. Never fails: without wrk the benchmark runs and reports the load stage as skipped.
set -u

command -v wrk >/dev/null 2>&1 && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bench: installing wrk (HTTP load generator)"
    export DEBIAN_FRONTEND=noninteractive
    # A fresh machine may have no package lists yet: update once when the first attempt fails.
    apt-get install -y -qq --no-install-recommends wrk >/dev/null 2>&1 || {
        apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk >/dev/null
    } || echo "bench: apt-get could not install wrk; the HTTP load stage will be skipped" >&2
else
    echo "bench: the HTTP load stage needs wrk: sudo apt-get install -y wrk (skipped without it)" >&2
fi
exit 0
