#!/usr/bin/env bash
# Builds runtime/builtins/*.cl into builtins-spir64.bc (the recipe the runtime
# Makefile uses), then proves coverage: the test kernels in this directory,
# compiled by clang-15 like user kernels, must link against the library with
# no undefined _Z (OpenCL builtin) functions left except the work-item and
# barrier functions the backend supplies itself. A kernel with a line
# `// extra-flags: FLAGS` is compiled a second time with FLAGS added (e.g.
# -fdeclare-opencl-builtins, as the packer compiles kernels).
# Usage: check.sh [output-dir]   (default: a fresh temp dir, removed on exit)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
SRC="$HERE/../builtins"
if [ $# -ge 1 ]; then OUT="$1"; mkdir -p "$OUT"; else OUT="$(mktemp -d)"; trap 'rm -rf "$OUT"' EXIT; fi
CLANG=${CLANG:-clang-19}
CLANG_USER=${CLANG_USER:-clang-15}
LINK=${LINK:-llvm-link-19}
DIS=${DIS:-llvm-dis-19}
NM=${NM:-llvm-nm-19}
fail=0

# ---- 1. build the library (exact recipe) -----------------------------------
bcs=()
for f in "$SRC"/*.cl; do
  b="$(basename "$f" .cl)"
  case "$b" in generic_*) std=CL2.0 ;; *) std=CL1.2 ;; esac
  "$CLANG" -cc1 -triple spir64-unknown-unknown -cl-std=$std -finclude-default-header \
    -emit-llvm-bc -O2 -Wno-atomic-alignment -o "$OUT/$b.bc" "$f"
  n=$("$NM" --defined-only "$OUT/$b.bc" | awk '$2=="T" && $3 ~ /^_Z/' | wc -l)
  printf '  %-26s %-6s %5d functions\n' "$b.cl" "$std" "$n"
  bcs+=("$OUT/$b.bc")
done
"$LINK" "${bcs[@]}" -o "$OUT/builtins-spir64.bc"
total=$("$NM" --defined-only "$OUT/builtins-spir64.bc" | awk '$2=="T" && $3 ~ /^_Z/' | wc -l)
echo "builtins-spir64.bc: $total exported builtin functions"

# The allowed undefined builtins (supplied by the backend).
ALLOWED='^(get_global_id|get_local_id|get_group_id|get_local_size|get_global_size|get_num_groups|get_global_offset|get_work_dim|get_enqueued_local_size|get_global_linear_id|get_local_linear_id|barrier|work_group_barrier|mem_fence|read_mem_fence|write_mem_fence)$'
undefined_z() {  # prints "mangled demangled-base" for each declared _Z function
  "$DIS" "$1" -o - | sed -n 's/^declare .*@\(_Z[0-9A-Za-z_]*\)(.*/\1/p' | sort -u |
    while read -r m; do
      len=$(echo "$m" | sed 's/^_Z\([0-9]*\).*/\1/'); rest=${m#_Z$len}
      echo "$m ${rest:0:$len}"
    done
}

# ---- 2. the library must be self-contained ----------------------------------
# (The work-group functions and async copies call the work-item functions and
# barrier, which the backend rewrites after inlining them into the kernel.)
libundef=$(undefined_z "$OUT/builtins-spir64.bc" | awk -v re="$ALLOWED" '$2 !~ re {print $1}')
if [ -n "$libundef" ]; then echo "FAIL: library declares undefined builtins:"; echo "$libundef"; fail=1; fi

# ---- 3. coverage kernels ---------------------------------------------------------
check_kernel() {  # check_kernel FILE STD NAME [EXTRA FLAGS…]
  local k="$1" std="$2" b="$3"; shift 3
  "$CLANG_USER" -cc1 -triple spir64-unknown-unknown -cl-std=$std -finclude-default-header "$@" \
    -emit-llvm-bc -O2 -cl-kernel-arg-info -o "$OUT/$b.bc" "$k"
  "$LINK" "$OUT/$b.bc" "$OUT/builtins-spir64.bc" -o "$OUT/$b.linked.bc"
  local called bad
  called=$("$DIS" "$OUT/$b.bc" -o - | sed -n 's/^declare .*@\(_Z[0-9A-Za-z_]*\)(.*/\1/p' | sort -u | wc -l)
  bad=$(undefined_z "$OUT/$b.linked.bc" | awk -v re="$ALLOWED" '$2 !~ re {print $1}')
  if [ -n "$bad" ]; then
    echo "FAIL: $b.cl ($std $*): unresolved builtins after linking:"; echo "$bad" | sed 's/^/    /'; fail=1
  else
    echo "  ok  $b.cl ($std${*:+ $*}): $called distinct builtins called, all resolved"
  fi
}
for k in "$HERE"/k_*.cl; do
  b="$(basename "$k" .cl)"
  if grep -q '^// *std: *CL2.0' "$k" || [[ "$b" == *cl20* ]]; then std=CL2.0; else std=CL1.2; fi
  check_kernel "$k" $std "$b"
  extra=$(sed -n 's|^// *extra-flags: *||p' "$k" | head -1)
  if [ -n "$extra" ]; then
    # shellcheck disable=SC2086
    check_kernel "$k" $std "$b.x" $extra
  fi
done

# ---- 3b. self-test of the detector: an unsupported builtin must be reported -------
printf '__kernel void k(__global int *o) { o[0] = sub_group_reduce_add(o[1]) + (int)get_global_id(0); }\n' > "$OUT/neg.cl"
"$CLANG_USER" -cc1 -triple spir64-unknown-unknown -cl-std=CL2.0 -finclude-default-header \
  -emit-llvm-bc -O2 -o "$OUT/neg.bc" "$OUT/neg.cl"
"$LINK" "$OUT/neg.bc" "$OUT/builtins-spir64.bc" -o "$OUT/neg.linked.bc"
negbad=$(undefined_z "$OUT/neg.linked.bc" | awk -v re="$ALLOWED" '$2 !~ re {print $2}')
if [ "$negbad" != "sub_group_reduce_add" ]; then
  echo "FAIL: detector self-test: expected only sub_group_reduce_add, got: $negbad"; fail=1
else
  echo "  ok  detector self-test (sub_group_reduce_add reported, get_global_id allowed)"
fi

# ---- 4. optional execution test of tricky semantics on the host ------------------
if [ -x "$HERE/run_semantics.sh" ] && [ "${SKIP_SEMANTICS:-0}" != 1 ]; then
  "$HERE/run_semantics.sh" "$OUT" || fail=1
fi

if [ $fail -ne 0 ]; then echo "check.sh: FAILED"; exit 1; fi
echo "check.sh: PASSED"
