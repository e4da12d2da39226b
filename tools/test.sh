#!/usr/bin/env bash
# The test command: installs what is missing, builds everything, runs the whole test suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/tools/bootstrap.sh"
# Tests use a variant cache of their own, never the user's ~/.lava.
export LAVA_HOME="${LAVA_HOME_FOR_TESTS:-$(mktemp -d -t lava-test-home-XXXXXX)}"
dotnet build "$root/LavaAccel.sln" -nologo -v q -clp:ErrorsOnly
# The builtins library on its own: every builtin the coverage kernels call resolves, and the
# tricky ones (saturation, rounding, relational masks) compute the right values.
bash "$root/runtime/tests-builtins/check.sh" >/dev/null
dotnet test "$root/LavaAccel.sln" --no-build -nologo -v q
