// OpenCL C math builtins (float and double, scalar and vectors) that take no
// pointer arguments. Functions with an LLVM intrinsic use __builtin_elementwise_*
// on the whole vector; the rest call libm per element.
#include "lava_builtins.h"

#define LAVA_PI_F 0x1.921fb6p+1f
#define LAVA_PI_D 0x1.921fb54442d18p+1

// ---- unary functions backed by an LLVM intrinsic ---------------------------
#define EW1_N(T, N, NAME, EW) OVLC T##N NAME(T##N x) { return __builtin_elementwise_##EW(x); }
#define EW1(T, NAME, EW)                                                      \
  OVLC T NAME(T x) { return __builtin_elementwise_##EW(x); }                 \
  EW1_N(T, 2, NAME, EW) EW1_N(T, 3, NAME, EW) EW1_N(T, 4, NAME, EW)           \
  EW1_N(T, 8, NAME, EW) EW1_N(T, 16, NAME, EW)
#define EW1_ALL(NAME, EW) EW1(float, NAME, EW) EW1(double, NAME, EW)

EW1_ALL(sqrt, sqrt)
EW1_ALL(exp, exp)
EW1_ALL(exp2, exp2)
EW1_ALL(log, log)
EW1_ALL(log2, log2)
EW1_ALL(log10, log10)
EW1_ALL(sin, sin)
EW1_ALL(cos, cos)
EW1_ALL(tan, tan)
EW1_ALL(asin, asin)
EW1_ALL(acos, acos)
EW1_ALL(atan, atan)
EW1_ALL(sinh, sinh)
EW1_ALL(cosh, cosh)
EW1_ALL(tanh, tanh)
EW1_ALL(fabs, abs)
EW1_ALL(floor, floor)
EW1_ALL(ceil, ceil)
EW1_ALL(trunc, trunc)
EW1_ALL(round, round)
EW1_ALL(rint, rint)

// ---- binary / ternary functions backed by an LLVM intrinsic ----------------
#define EW2_N(T, N, NAME, EW) OVLC T##N NAME(T##N x, T##N y) { return __builtin_elementwise_##EW(x, y); }
#define EW2(T, NAME, EW)                                                      \
  OVLC T NAME(T x, T y) { return __builtin_elementwise_##EW(x, y); }         \
  EW2_N(T, 2, NAME, EW) EW2_N(T, 3, NAME, EW) EW2_N(T, 4, NAME, EW)           \
  EW2_N(T, 8, NAME, EW) EW2_N(T, 16, NAME, EW)
#define EW2_ALL(NAME, EW) EW2(float, NAME, EW) EW2(double, NAME, EW)
EW2_ALL(pow, pow)
EW2_ALL(copysign, copysign)
EW2_ALL(fmin, min)   // llvm.minnum: NaN operands are ignored, as OpenCL wants
EW2_ALL(fmax, max)

// fmin/fmax(vector, scalar)
#define FMINMAX_S_N(T, N)                                                     \
  OVLC T##N fmin(T##N x, T y) { return __builtin_elementwise_min(x, (T##N)(y)); } \
  OVLC T##N fmax(T##N x, T y) { return __builtin_elementwise_max(x, (T##N)(y)); }
LAVA_FOREACH_VW(FMINMAX_S_N, float)
LAVA_FOREACH_VW(FMINMAX_S_N, double)

#define FMA_N(T, N)                                                           \
  OVLC T##N fma(T##N a, T##N b, T##N c) { return __builtin_elementwise_fma(a, b, c); } \
  OVLC T##N mad(T##N a, T##N b, T##N c) { return a * b + c; }
#define FMA_T(T)                                                              \
  OVLC T fma(T a, T b, T c) { return __builtin_elementwise_fma(a, b, c); }   \
  OVLC T mad(T a, T b, T c) { return a * b + c; }                            \
  LAVA_FOREACH_VW(FMA_N, T)
#pragma OPENCL FP_CONTRACT ON
FMA_T(float)
FMA_T(double)

// ---- functions without a vector intrinsic: scalar via libm, vectors per element
#define MAP1_N(T, N, NAME) LAVA_MAP1(T, T, N, NAME)
#define MAP2_N(T, N, NAME) LAVA_MAP2(T, T, T, N, NAME)
#define VEC1(T, NAME) MAP1_N(T, 2, NAME) MAP1_N(T, 3, NAME) MAP1_N(T, 4, NAME) MAP1_N(T, 8, NAME) MAP1_N(T, 16, NAME)
#define VEC2(T, NAME) MAP2_N(T, 2, NAME) MAP2_N(T, 3, NAME) MAP2_N(T, 4, NAME) MAP2_N(T, 8, NAME) MAP2_N(T, 16, NAME)

#define LIBM1(NAME)                                                           \
  OVLC float NAME(float x) { return __builtin_##NAME##f(x); }                \
  OVLC double NAME(double x) { return __builtin_##NAME(x); }                 \
  VEC1(float, NAME) VEC1(double, NAME)
#define LIBM2(NAME)                                                           \
  OVLC float NAME(float x, float y) { return __builtin_##NAME##f(x, y); }    \
  OVLC double NAME(double x, double y) { return __builtin_##NAME(x, y); }    \
  VEC2(float, NAME) VEC2(double, NAME)

LIBM1(cbrt)
LIBM1(exp10)
LIBM1(expm1)
LIBM1(log1p)
LIBM1(asinh)
LIBM1(acosh)
LIBM1(atanh)
LIBM1(erf)
LIBM1(erfc)
LIBM1(tgamma)
LIBM1(lgamma)
LIBM1(logb)
LIBM2(atan2)
LIBM2(fmod)
LIBM2(remainder)
LIBM2(fdim)
LIBM2(hypot)
LIBM2(nextafter)

// ---- functions composed from others -----------------------------------------
#define COMPOSED(T, PI)                                                       \
  OVLC T rsqrt(T x) { return (T)1 / __builtin_elementwise_sqrt(x); }         \
  OVLC T sinpi(T x) {                                                         \
    T t = x - (T)2 * __builtin_elementwise_rint(x * (T)0.5);                  \
    T r = __builtin_elementwise_sin(t * PI);                                  \
    return (t == __builtin_elementwise_trunc(t)) ? __builtin_elementwise_copysign((T)0, x) : r; \
  }                                                                           \
  OVLC T cospi(T x) {                                                         \
    T a = __builtin_elementwise_abs(x);                                       \
    T t = a - (T)2 * __builtin_elementwise_rint(a * (T)0.5);                  \
    if (__builtin_elementwise_abs(t) == (T)0.5) return (T)0;                  \
    return __builtin_elementwise_cos(t * PI);                                 \
  }                                                                           \
  OVLC T tanpi(T x) { return sinpi(x) / cospi(x); }                           \
  OVLC T asinpi(T x) { return __builtin_elementwise_asin(x) / PI; }           \
  OVLC T acospi(T x) { return __builtin_elementwise_acos(x) / PI; }           \
  OVLC T atanpi(T x) { return __builtin_elementwise_atan(x) / PI; }           \
  OVLC T atan2pi(T y, T x) { return atan2(y, x) / PI; }                       \
  OVLC T powr(T x, T y) { return x < (T)0 ? (T)__builtin_nan("") : __builtin_elementwise_pow(x, y); } \
  OVLC T pown(T x, int n) { return __builtin_elementwise_pow(x, (T)n); }      \
  OVLC T rootn(T x, int n) {                                                  \
    if (n == 0) return (T)__builtin_nan("");                                  \
    if (x < (T)0) {                                                           \
      if ((n & 1) == 0) return (T)__builtin_nan("");                          \
      return -__builtin_elementwise_pow(-x, (T)1 / (T)n);                     \
    }                                                                         \
    return __builtin_elementwise_pow(x, (T)1 / (T)n);                         \
  }                                                                           \
  OVLC T maxmag(T x, T y) {                                                   \
    T ax = __builtin_elementwise_abs(x), ay = __builtin_elementwise_abs(y);   \
    return ax > ay ? x : ay > ax ? y : __builtin_elementwise_max(x, y);       \
  }                                                                           \
  OVLC T minmag(T x, T y) {                                                   \
    T ax = __builtin_elementwise_abs(x), ay = __builtin_elementwise_abs(y);   \
    return ax < ay ? x : ay < ax ? y : __builtin_elementwise_min(x, y);       \
  }                                                                           \
  VEC1(T, sinpi) VEC1(T, cospi) VEC1(T, tanpi) VEC1(T, asinpi) VEC1(T, acospi) \
  VEC1(T, atanpi) VEC2(T, atan2pi) VEC2(T, powr) VEC2(T, maxmag) VEC2(T, minmag)
COMPOSED(float, LAVA_PI_F)
COMPOSED(double, LAVA_PI_D)

#define RSQRT_N(T, N) OVLC T##N rsqrt(T##N x) { return (T)1 / __builtin_elementwise_sqrt(x); }
LAVA_FOREACH_VW(RSQRT_N, float)
LAVA_FOREACH_VW(RSQRT_N, double)

// functions with an int argument or int result
OVLC float ldexp(float x, int n) { return __builtin_ldexpf(x, n); }
OVLC double ldexp(double x, int n) { return __builtin_ldexp(x, n); }
OVLC int ilogb(float x) { return __builtin_ilogbf(x); }
OVLC int ilogb(double x) { return __builtin_ilogb(x); }
OVLC float nan(uint c) { return __builtin_astype(0x7fc00000u | c, float); }
OVLC double nan(ulong c) { return __builtin_astype(0x7ff8000000000000ul | c, double); }
#define INTARG_N(T, N)                                                        \
  LAVA_MAP2(T, T, int, N, ldexp)                                              \
  LAVA_MAP2(T, T, int, N, pown)                                               \
  LAVA_MAP2(T, T, int, N, rootn)                                              \
  LAVA_MAP1(int, T, N, ilogb)                                                 \
  OVLC T##N ldexp(T##N x, int n) { return ldexp(x, (int##N)(n)); }
LAVA_FOREACH_VW(INTARG_N, float)
LAVA_FOREACH_VW(INTARG_N, double)
#define NAN_N(T, U, N) OVLC T##N nan(U##N c) { T##N r; for (int i = 0; i < N; ++i) r[i] = nan(c[i]); return r; }
#define NAN_F(T, N) NAN_N(float, uint, N)
#define NAN_D(T, N) NAN_N(double, ulong, N)
LAVA_FOREACH_VW(NAN_F, float)
LAVA_FOREACH_VW(NAN_D, double)
