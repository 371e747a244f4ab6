#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo need, when they are missing (root only; otherwise it says
# what to install). PostgreSQL 15 for the database, zbar-tools and poppler-utils to decode QR codes independently.
set -uo pipefail
need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
command -v zbarimg >/dev/null || need+=(zbar-tools)
command -v pdftoppm >/dev/null || need+=(poppler-utils)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "prerequisites: please install: ${need[*]} (apt-get install -y --no-install-recommends ${need[*]})" >&2
  exit 1
fi
echo "prerequisites: installing ${need[*]}" >&2
apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null \
  || { echo "prerequisites: could not install ${need[*]}" >&2; exit 1; }
