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
# The worker's seccomp allowlists, call by call (artifacts/runtime/check-guard, built with the runtime).
"$root/artifacts/runtime/check-guard"
# The fuzzers, bounded (LAVA_FUZZ_SECONDS per target; 0 skips): findings land in fuzz/crashers and fail the run.
fuzz_status=0
if [[ "${LAVA_FUZZ_SECONDS:-30}" != 0 ]]; then
  "$root/tools/fuzz.sh" "${LAVA_FUZZ_SECONDS:-30}" || fuzz_status=$?
fi
log=$(mktemp)
set +e
dotnet test "$root/LavaAccel.sln" --no-build -nologo -v q --logger "console;verbosity=minimal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One plain summary line for whoever reads the end of the log.
summary=$(grep -E "(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+" "$log" | tail -n 1)
passed=$(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$summary")
failed=$(sed -E 's/.*Failed: +([0-9]+), Passed.*/\1/' <<<"$summary")
skipped=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"$summary")
rm -f "$log"
((fuzz_status == 0)) || echo "fuzz: findings (see above and fuzz/crashers)"
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
((status != 0)) && exit "$status"
exit "$fuzz_status"
