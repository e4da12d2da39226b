#!/usr/bin/env bash
# The test command: installs what is missing, builds everything, runs the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/bootstrap.sh"
dotnet build "$root/LavaAccel.sln" -nologo -v q -clp:ErrorsOnly
dotnet test "$root/LavaAccel.sln" --no-build -nologo -v q
