// OpenCL C common functions (float and double, scalar and vectors):
// clamp degrees radians max min mix step smoothstep sign.
#include "lava_builtins.h"

#define LAVA_PI_F 0x1.921fb6p+1f
#define LAVA_PI_D 0x1.921fb54442d18p+1

// V: the (vector or scalar) type, S: its element type, PI: pi in S.
#define COMMON_V(V, S, PI)                                                    \
  OVLC V clamp(V x, V lo, V hi) { return __builtin_elementwise_min(__builtin_elementwise_max(x, lo), hi); } \
  OVLC V degrees(V r) { return r * ((S)180 / PI); }                           \
  OVLC V radians(V d) { return d * (PI / (S)180); }                           \
  OVLC V max(V x, V y) { return __builtin_elementwise_max(x, y); }            \
  OVLC V min(V x, V y) { return __builtin_elementwise_min(x, y); }            \
  OVLC V mix(V x, V y, V a) { return x + (y - x) * a; }                       \
  OVLC V step(V edge, V x) { return x < edge ? (V)(S)0 : (V)(S)1; }           \
  OVLC V smoothstep(V e0, V e1, V x) {                                        \
    V t = clamp((x - e0) / (e1 - e0), (V)(S)0, (V)(S)1);                      \
    return t * t * ((S)3 - (S)2 * t);                                         \
  }                                                                           \
  OVLC V sign(V x) {                                                          \
    V r = x > (V)(S)0 ? (V)(S)1 : (V)(S)0;                                    \
    r = x < (V)(S)0 ? (V)(S)-1 : r;                                           \
    r = x == (V)(S)0 ? x : r;          /* keeps the sign of +-0 */            \
    return x != x ? (V)(S)0 : r;       /* NaN -> 0 */                         \
  }
// Forms with scalar arguments for vector V.
#define COMMON_VS(V, S)                                                       \
  OVLC V clamp(V x, S lo, S hi) { return clamp(x, (V)(lo), (V)(hi)); }        \
  OVLC V max(V x, S y) { return max(x, (V)(y)); }                             \
  OVLC V min(V x, S y) { return min(x, (V)(y)); }                             \
  OVLC V mix(V x, V y, S a) { return mix(x, y, (V)(a)); }                     \
  OVLC V step(S edge, V x) { return step((V)(edge), x); }                     \
  OVLC V smoothstep(S e0, S e1, V x) { return smoothstep((V)(e0), (V)(e1), x); }

#pragma OPENCL FP_CONTRACT ON
#define COMMON_N_F(T, N) COMMON_V(float##N, float, LAVA_PI_F) COMMON_VS(float##N, float)
#define COMMON_N_D(T, N) COMMON_V(double##N, double, LAVA_PI_D) COMMON_VS(double##N, double)
COMMON_V(float, float, LAVA_PI_F)
COMMON_V(double, double, LAVA_PI_D)
LAVA_FOREACH_VW(COMMON_N_F, float)
LAVA_FOREACH_VW(COMMON_N_D, double)
