#!/usr/bin/env bash
# Prerequisites of the browser tests (tests/Waardecheque.BrowserTests):
#  1. Debian's chromium at /usr/bin/chromium. Installed with apt-get when missing (root only; otherwise it says what
#     to install). Never `playwright install`: no browser build can be downloaded on these machines.
#  2. axe-core and jsqr from npm, by `npm ci` in tests/Waardecheque.BrowserTests when node_modules is missing or
#     older than package-lock.json (the test project's build does the same, so this step is optional there).
# Exit code 0 when everything is in place.
set -uo pipefail
cd "$(dirname "$0")/.."
project=tests/Waardecheque.BrowserTests
status=0

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "browser-prerequisites: /usr/bin/chromium is missing; as root run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends chromium" >&2
    status=1
  else
    echo "browser-prerequisites: installing Debian's chromium" >&2
    if ! { apt-get update -qq >/dev/null \
           && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null; }; then
      echo "browser-prerequisites: could not install chromium with apt-get" >&2
      status=1
    elif [ ! -x /usr/bin/chromium ]; then
      echo "browser-prerequisites: apt-get installed chromium but /usr/bin/chromium is still missing" >&2
      status=1
    fi
  fi
fi

if [ ! -f "$project/node_modules/.package-lock.json" ] || [ "$project/package-lock.json" -nt "$project/node_modules/.package-lock.json" ] \
   || [ ! -f "$project/node_modules/axe-core/axe.min.js" ] || [ ! -f "$project/node_modules/jsqr/dist/jsQR.js" ]; then
  if ! command -v npm >/dev/null; then
    echo "browser-prerequisites: npm is missing (needed once to install axe-core and jsqr); install Node.js 20+ with npm" >&2
    status=1
  else
    echo "browser-prerequisites: npm ci in $project" >&2
    if ! (cd "$project" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null); then
      echo "browser-prerequisites: npm ci failed in $project" >&2
      status=1
    fi
  fi
fi

exit $status
