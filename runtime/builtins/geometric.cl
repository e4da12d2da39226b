// OpenCL C geometric functions: dot cross length distance normalize and the
// fast_* variants (float and double, widths 1..4; fast_* float only).
#include "lava_builtins.h"
#pragma OPENCL FP_CONTRACT ON

#define DOT1(x, y) ((x) * (y))
#define DOT2(x, y) ((x).s0 * (y).s0 + (x).s1 * (y).s1)
#define DOT3(x, y) ((x).s0 * (y).s0 + (x).s1 * (y).s1 + (x).s2 * (y).s2)
#define DOT4(x, y) ((x).s0 * (y).s0 + (x).s1 * (y).s1 + (x).s2 * (y).s2 + (x).s3 * (y).s3)
#define MAXABS1(x) __builtin_elementwise_abs(x)
#define MAXABS2(x) __builtin_elementwise_max(__builtin_elementwise_abs((x).s0), __builtin_elementwise_abs((x).s1))
#define MAXABS3(x) __builtin_elementwise_max(MAXABS2(x), __builtin_elementwise_abs((x).s2))
#define MAXABS4(x) __builtin_elementwise_max(MAXABS3(x), __builtin_elementwise_abs((x).s3))

// V: type, S: element, D: dot macro, M: max-abs macro
#define GEO(V, S, D, M)                                                       \
  OVLC S dot(V x, V y) { return D(x, y); }                                    \
  OVLC S length(V x) {                                                        \
    S d = D(x, x);                                                            \
    if (d == (S)0 || __builtin_isinf(d)) { /* under/overflow: rescale */      \
      S m = M(x);                                                             \
      if (m == (S)0 || __builtin_isinf(m)) return m;                          \
      V y = x / m;                                                            \
      return m * __builtin_elementwise_sqrt(D(y, y));                         \
    }                                                                         \
    return __builtin_elementwise_sqrt(d);                                     \
  }                                                                           \
  OVLC S distance(V x, V y) { return length(x - y); }                         \
  OVLC V normalize(V x) {                                                     \
    S d = D(x, x);                                                            \
    if (d == (S)0 || __builtin_isinf(d)) {                                    \
      S m = M(x);                                                             \
      if (m == (S)0) return x;                                                \
      if (__builtin_isinf(m)) { /* infinite components -> +-1, others 0 */    \
        x = __builtin_elementwise_copysign(isinf(x) ? (V)(S)1 : (V)(S)0, x); \
        m = (S)1;                                                             \
      }                                                                       \
      x = x / m;                                                              \
      d = D(x, x);                                                            \
    }                                                                         \
    return x * ((S)1 / __builtin_elementwise_sqrt(d));                        \
  }
#define GEO_FAST(V, S, D)                                                     \
  OVLC S fast_length(V x) { return __builtin_elementwise_sqrt(D(x, x)); }     \
  OVLC S fast_distance(V x, V y) { return fast_length(x - y); }               \
  OVLC V fast_normalize(V x) {                                                \
    S d = D(x, x);                                                            \
    return d == (S)0 ? x : x * ((S)1 / __builtin_elementwise_sqrt(d));       \
  }

GEO(float, float, DOT1, MAXABS1)
GEO(float2, float, DOT2, MAXABS2)
GEO(float3, float, DOT3, MAXABS3)
GEO(float4, float, DOT4, MAXABS4)
GEO(double, double, DOT1, MAXABS1)
GEO(double2, double, DOT2, MAXABS2)
GEO(double3, double, DOT3, MAXABS3)
GEO(double4, double, DOT4, MAXABS4)
GEO_FAST(float, float, DOT1)
GEO_FAST(float2, float, DOT2)
GEO_FAST(float3, float, DOT3)
GEO_FAST(float4, float, DOT4)

#define CROSS(S)                                                              \
  OVLC S##3 cross(S##3 a, S##3 b) {                                           \
    return (S##3)(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x); \
  }                                                                           \
  OVLC S##4 cross(S##4 a, S##4 b) {                                           \
    return (S##4)(a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x, (S)0); \
  }
CROSS(float)
CROSS(double)
