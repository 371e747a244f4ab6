#!/usr/bin/env bash
# Regenerates Wolverine's pre-built handler code in src/Waardecheque.Web/Internal/Generated (loaded at start with
# TypeLoadMode.Static; Web.Tests' CodegenTests fails while it is stale). Run after adding or changing a handler, and
# commit the result. Needs no database: the settings below only satisfy the app's start-up checks.
set -euo pipefail
cd "$(dirname "$0")/../src/Waardecheque.Web"
rm -rf Internal/Generated   # a stale file could name a handler that no longer compiles
dotnet build -c Release -nologo -v q
Waardecheque__CodeKey=codegen-only-not-a-real-key-0123456789 ConnectionStrings__Waardecheque="Host=127.0.0.1;Port=1;Database=codegen" \
  dotnet bin/Release/net10.0/Waardecheque.Web.dll codegen write
