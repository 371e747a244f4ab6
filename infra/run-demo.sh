#!/usr/bin/env bash
# Runs Waardecheque with the demo program "Seghwaert Doet" on a local, durable PostgreSQL that this script starts
# (data kept in .data/pg between runs; `bash infra/pg.sh stop --dir .data/pg` throws it away).
#   bash infra/run-demo.sh [--port 5080]
set -euo pipefail
cd "$(dirname "$0")/.."
port=5080
[ "${1:-}" = "--port" ] && port=$2

bash infra/prerequisites.sh
pgdir="$(pwd)/.data/pg"
conn=$(bash infra/pg.sh start --durable --dir "$pgdir")
trap 'bash infra/pg.sh stop --dir "$pgdir" --keep' EXIT

export ConnectionStrings__Waardecheque="$conn"
export Waardecheque__Demo=true
export Waardecheque__PublicBaseUrl="http://127.0.0.1:$port"
export Waardecheque__BootstrapAdmin__Email="${WAARDECHEQUE_ADMIN_EMAIL:-admin@seghwaert.demo}"
export Waardecheque__BootstrapAdmin__Password="${WAARDECHEQUE_ADMIN_PASSWORD:-Demo-Admin-2026!}"
# The demo's own key for deriving cheque codes; a real deployment sets its own secret.
export Waardecheque__CodeKey="${WAARDECHEQUE_CODE_KEY:-demo-only-key-do-not-use-in-production}"

# No launch profile: the demo runs as production would (no development-only endpoints).
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}"
dotnet run -c Release --no-launch-profile --project src/Waardecheque.Web -- --urls "http://127.0.0.1:$port"
