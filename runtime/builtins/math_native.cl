// native_* and half_* math variants (float only). On CPU they simply map to
// the full-precision builtins, which already lower to LLVM intrinsics/libm.
#include "lava_builtins.h"

#define NAT1_T(T, PFX, NAME) OVLC T PFX##NAME(T x) { return NAME(x); }
#define NAT2_T(T, PFX, NAME, EXPR) OVLC T PFX##NAME(T x, T y) { return EXPR; }
#define NAT_T(T, PFX)                                                         \
  NAT1_T(T, PFX, cos) NAT1_T(T, PFX, exp) NAT1_T(T, PFX, exp2)                \
  NAT1_T(T, PFX, exp10) NAT1_T(T, PFX, log) NAT1_T(T, PFX, log2)              \
  NAT1_T(T, PFX, log10) NAT1_T(T, PFX, rsqrt) NAT1_T(T, PFX, sin)             \
  NAT1_T(T, PFX, sqrt) NAT1_T(T, PFX, tan)                                    \
  OVLC T PFX##recip(T x) { return (T)1.0f / x; }                              \
  NAT2_T(T, PFX, divide, x / y) NAT2_T(T, PFX, powr, powr(x, y))
#define NAT_ALL(T) NAT_T(T, native_) NAT_T(T, half_)
#define NAT_N(T, N) NAT_ALL(T##N)
NAT_ALL(float)
LAVA_FOREACH_VW(NAT_N, float)
