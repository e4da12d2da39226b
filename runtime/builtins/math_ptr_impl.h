// Shared implementation of the math builtins with an out-pointer
// (fract, modf, sincos, frexp, lgamma_r, remquo). LAVA_MATH_PTR(AS) defines
// them for pointers in address space AS (empty = private in CL1.2, generic in
// CL2.0). Included by math_pointer.cl and generic_math_pointer.cl.
#include "lava_builtins.h"

static inline OVL float lava_fract(float x, float *w) {
  float fl = __builtin_elementwise_floor(x);
  *w = fl;
  if (__builtin_isinf(x)) return __builtin_copysignf(0.0f, x);
  return __builtin_elementwise_min(x - fl, 0x1.fffffep-1f);  // NaN propagates via x - fl
}
static inline OVL double lava_fract(double x, double *w) {
  double fl = __builtin_elementwise_floor(x);
  *w = fl;
  if (__builtin_isinf(x)) return __builtin_copysign(0.0, x);
  return __builtin_elementwise_min(x - fl, 0x1.fffffffffffffp-1);
}
static inline OVL float lava_modf(float x, float *w) {
  float t = __builtin_elementwise_trunc(x);
  *w = t;
  return __builtin_copysignf(__builtin_isinf(x) ? 0.0f : x - t, x);
}
static inline OVL double lava_modf(double x, double *w) {
  double t = __builtin_elementwise_trunc(x);
  *w = t;
  return __builtin_copysign(__builtin_isinf(x) ? 0.0 : x - t, x);
}
static inline OVL float lava_sincos(float x, float *c) { *c = __builtin_elementwise_cos(x); return __builtin_elementwise_sin(x); }
static inline OVL double lava_sincos(double x, double *c) { *c = __builtin_elementwise_cos(x); return __builtin_elementwise_sin(x); }
static inline OVL float lava_frexp(float x, int *e) { int t; float r = __builtin_frexpf(x, &t); *e = t; return r; }
static inline OVL double lava_frexp(double x, int *e) { int t; double r = __builtin_frexp(x, &t); *e = t; return r; }
static inline OVL float lava_remquo(float x, float y, int *q) { int t; float r = __builtin_remquof(x, y, &t); *q = t; return r; }
static inline OVL double lava_remquo(double x, double y, int *q) { int t; double r = __builtin_remquo(x, y, &t); *q = t; return r; }
static inline OVL float lava_lgamma_r(float x, int *s) {
  float r = __builtin_lgammaf(x);
  float fl = __builtin_elementwise_floor(x);
  int sg = 1;
  if (x < 0.0f) {
    if (fl == x) sg = 0;
    else sg = (__builtin_fmodf(fl, 2.0f) != 0.0f) ? -1 : 1;
  } else if (x == 0.0f) sg = __builtin_signbit(x) ? -1 : 1;
  *s = sg;
  return r;
}
static inline OVL double lava_lgamma_r(double x, int *s) {
  double r = __builtin_lgamma(x);
  double fl = __builtin_elementwise_floor(x);
  int sg = 1;
  if (x < 0.0) {
    if (fl == x) sg = 0;
    else sg = (__builtin_fmod(fl, 2.0) != 0.0) ? -1 : 1;
  } else if (x == 0.0) sg = __builtin_signbit(x) ? -1 : 1;
  *s = sg;
  return r;
}

// One scalar and one vector width for a (T x, AS PT *p) function.
#define LAVA_PTR1_S(T, PT, AS, NAME)                                          \
  OVL T NAME(T x, AS PT *p) { PT w; T r = lava_##NAME(x, &w); *p = w; return r; }
#define LAVA_PTR1_V(T, PT, AS, NAME, N)                                       \
  OVL T##N NAME(T##N x, AS PT##N *p) {                                        \
    T##N r; PT##N w;                                                          \
    for (int i = 0; i < N; ++i) { PT wi; r[i] = lava_##NAME(x[i], &wi); w[i] = wi; } \
    *p = w; return r;                                                         \
  }
#define LAVA_PTR2_S(T, PT, AS, NAME)                                          \
  OVL T NAME(T x, T y, AS PT *p) { PT w; T r = lava_##NAME(x, y, &w); *p = w; return r; }
#define LAVA_PTR2_V(T, PT, AS, NAME, N)                                       \
  OVL T##N NAME(T##N x, T##N y, AS PT##N *p) {                                \
    T##N r; PT##N w;                                                          \
    for (int i = 0; i < N; ++i) { PT wi; r[i] = lava_##NAME(x[i], y[i], &wi); w[i] = wi; } \
    *p = w; return r;                                                         \
  }
#define LAVA_PTR1_ALLW(T, PT, AS, NAME)                                       \
  LAVA_PTR1_S(T, PT, AS, NAME) LAVA_PTR1_V(T, PT, AS, NAME, 2)                \
  LAVA_PTR1_V(T, PT, AS, NAME, 3) LAVA_PTR1_V(T, PT, AS, NAME, 4)             \
  LAVA_PTR1_V(T, PT, AS, NAME, 8) LAVA_PTR1_V(T, PT, AS, NAME, 16)
#define LAVA_PTR2_ALLW(T, PT, AS, NAME)                                       \
  LAVA_PTR2_S(T, PT, AS, NAME) LAVA_PTR2_V(T, PT, AS, NAME, 2)                \
  LAVA_PTR2_V(T, PT, AS, NAME, 3) LAVA_PTR2_V(T, PT, AS, NAME, 4)             \
  LAVA_PTR2_V(T, PT, AS, NAME, 8) LAVA_PTR2_V(T, PT, AS, NAME, 16)
#define LAVA_MATH_PTR_T(T, AS)                                                \
  LAVA_PTR1_ALLW(T, T, AS, fract) LAVA_PTR1_ALLW(T, T, AS, modf)              \
  LAVA_PTR1_ALLW(T, T, AS, sincos) LAVA_PTR1_ALLW(T, int, AS, frexp)          \
  LAVA_PTR1_ALLW(T, int, AS, lgamma_r) LAVA_PTR2_ALLW(T, int, AS, remquo)
#define LAVA_MATH_PTR(AS) LAVA_MATH_PTR_T(float, AS) LAVA_MATH_PTR_T(double, AS)
