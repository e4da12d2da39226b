#!/usr/bin/env bash
# Fuzzes the places where bytes from anyone enter lava (fuzz/LavaAccel.Fuzz/FuzzTargets.cs) with
# AFL++ through SharpFuzz, each target for SECONDS (default 60), starting from fuzz/corpus/TARGET.
# A finding (an exception other than a clear refusal, a crash) is copied to fuzz/crashers/TARGET,
# where the tests replay it from then on, and the script fails.
#
# usage: tools/fuzz.sh [SECONDS] [TARGET…]     (targets: package manifest npy bitcode)
#
# The bitcode target feeds libLLVM's reader, which lava only ever runs in the compile worker (a
# process of its own): a native crash there is contained by design, so for that target only
# managed findings fail the run; native ones are listed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(package manifest npy bitcode)
"$root/tools/bootstrap.sh" --quiet
out="$root/artifacts/fuzz"
tools="$root/artifacts/tools"
if [[ ! -x "$tools/sharpfuzz" ]]; then
  dotnet tool install SharpFuzz.CommandLine --version 2.3.0 --tool-path "$tools" >/dev/null
fi
rm -rf "$out/bin" "$out/replay"
dotnet publish "$root/fuzz/LavaAccel.Fuzz/LavaAccel.Fuzz.csproj" -c Release -o "$out/bin" -nologo -v q >/dev/null
# An uninstrumented copy replays findings (instrumented code needs AFL's shared memory).
cp -r "$out/bin" "$out/replay"
# Coverage for lava's own code (SharpFuzz instruments the assemblies in place).
for assembly in LavaAccel.Core LavaAccel.Execution LavaAccel.Backends; do
  "$tools/sharpfuzz" "$out/bin/$assembly.dll" >/dev/null
done
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 AFL_NO_AFFINITY=1
failed=0
for target in "${targets[@]}"; do
  findings="$out/findings/$target"
  rm -rf "$findings"
  mkdir -p "$out/findings"
  afl-fuzz -i "$root/fuzz/corpus/$target" -o "$findings" -V "$seconds" -t 10000 -m none \
    -- "$(command -v dotnet)" "$out/bin/lava-fuzz.dll" "$target" >"$out/$target.log" 2>&1 || true
  stats="$findings/default/fuzzer_stats"
  execs=$(awk -F: '/^execs_done/ {gsub(/ /, "", $2); print $2}' "$stats" 2>/dev/null || echo 0)
  paths=$(awk -F: '/^corpus_count/ {gsub(/ /, "", $2); print $2}' "$stats" 2>/dev/null || echo 0)
  crashes=("$findings"/default/crashes/id:*)
  hangs=("$findings"/default/hangs/id:*)
  [[ -e "${crashes[0]}" ]] || crashes=()
  [[ -e "${hangs[0]}" ]] || hangs=()
  echo "fuzz $target: ${seconds} s, ${execs:-0} inputs, ${paths:-0} paths, ${#crashes[@]} crashes, ${#hangs[@]} hangs"
  if [[ "${execs:-0}" == 0 ]]; then
    # A target that never ran proves nothing: say why (an empty corpus, afl-fuzz refusing to start).
    echo "  $target: afl-fuzz ran no inputs; see $out/$target.log" >&2
    tail -n 5 "$out/$target.log" | sed -E "s/\x1b\[[0-9;?]*[a-zA-Z]//g; s/^/  $target: /" >&2
    failed=1
  fi
  for crash in "${crashes[@]}"; do
    # Replayed outside AFL: a managed finding prints its exception and exits 1.
    if dotnet "$out/replay/lava-fuzz.dll" "$target" "$crash" 2>"$out/replay.txt"; then
      continue
    elif [[ $? -eq 1 || "$target" != bitcode ]]; then
      mkdir -p "$root/fuzz/crashers/$target"
      cp "$crash" "$root/fuzz/crashers/$target/$(sha256sum "$crash" | cut -c1-16)"
      head -n 3 "$out/replay.txt" | sed "s/^/  $target: /"
      failed=1
    else
      echo "  $target: native crash in libLLVM (contained by the compile worker): $crash"
    fi
  done
  [[ ${#hangs[@]} -eq 0 ]] || echo "  $target: hangs (over 10 s) kept in $findings/default/hangs"
done
exit $failed
