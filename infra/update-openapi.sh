#!/usr/bin/env bash
# Rewrites docs/openapi-v1.json from what the app serves (after a deliberate change of contract), then rebuilds the
# test project so that its generated client (made from that file at build time) follows. Review the diff and commit it.
# Needs the test PostgreSQL like any integration test (tests/Shared/TestDatabase.cs starts or finds it).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build tests/Waardecheque.Web.Tests -c Release
WAARDECHEQUE_WRITE_OPENAPI=1 dotnet test tests/Waardecheque.Web.Tests -c Release --no-build \
  --filter "FullyQualifiedName~Api.Contract.OpenApiDocumentTests.the_checked_in_document_is_the_one_the_app_serves"
dotnet build tests/Waardecheque.Web.Tests -c Release
git --no-pager diff --stat -- docs/openapi-v1.json
