#!/usr/bin/env bash
# Executes sem_kernel.cl, linked with the library, on the host: the spir64
# module is retargeted to the host triple and run with lli-19.
# Usage: run_semantics.sh DIR   (DIR holds builtins-spir64.bc, from check.sh)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
OUT="$1"
command -v lli-19 >/dev/null || { echo "  skip semantics (no lli-19)"; exit 0; }
clang-15 -cc1 -triple spir64-unknown-unknown -cl-std=CL1.2 -finclude-default-header -emit-llvm-bc -O2 \
  -o "$OUT/sem.bc" "$HERE/sem_kernel.cl"
llvm-link-19 --only-needed "$OUT/sem.bc" "$OUT/builtins-spir64.bc" -o "$OUT/sem.linked.bc"
llvm-dis-19 "$OUT/sem.linked.bc" -o - |
  sed -e 's/^target triple = .*/target triple = "x86_64-unknown-linux-gnu"/' \
      -e 's/^target datalayout = .*/target datalayout = "e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128"/' \
      -e 's/spir_kernel //g; s/spir_func //g' > "$OUT/sem.host.ll"
cat >> "$OUT/sem.host.ll" <<'IR'
@fin = private global [10 x float] [float 0.5, float -0.5, float 1.5, float 2.5, float 0x7FF8000000000000, float 3.0e9, float -3.0e9, float 0x4072CB3340000000, float -1.0, float 0x36A0000000000000]
@iin = private global [4 x i32] [i32 -2147483648, i32 2147483647, i32 300, i32 -1]
@res = private global [2 x i64] zeroinitializer
@fmt = private constant [34 x i8] c"  semantics: first=%ld fails=%ld\0A\00"
declare i32 @printf(ptr, ...)
define i32 @main() {
  %o = addrspacecast ptr @res to ptr addrspace(1)
  %f = addrspacecast ptr @fin to ptr addrspace(1)
  %i = addrspacecast ptr @iin to ptr addrspace(1)
  call void @sem(ptr addrspace(1) %o, ptr addrspace(1) %f, ptr addrspace(1) %i)
  %a = load i64, ptr @res
  %p = getelementptr i64, ptr @res, i64 1
  %b = load i64, ptr %p
  call i32 (ptr, ...) @printf(ptr @fmt, i64 %a, i64 %b)
  %r = trunc i64 %b to i32
  ret i32 %r
}
IR
if lli-19 -O0 "$OUT/sem.host.ll"; then echo "  ok  semantics checks passed (host execution)"; else echo "FAIL: semantics checks (see first= id in sem_kernel.cl)"; exit 1; fi
