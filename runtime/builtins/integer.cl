// OpenCL C integer functions for char..ulong, scalar and vectors:
// abs abs_diff add_sat sub_sat hadd rhadd clamp clz ctz popcount mad_hi
// mad_sat max min mul_hi rotate upsample mad24 mul24.
#include "lava_builtins.h"

#define CVT_S(x, T) ((T)(x))
#define CVT_V(x, T) __builtin_convertvector(x, T)

// V: type, S: element type, UV: unsigned type of same shape, US: unsigned
// element type, B: element bits.
#define INT_COMMON(V, S, UV, US, B)                                           \
  OVLC UV abs_diff(V x, V y) {                                                \
    return __builtin_astype((V)__builtin_elementwise_max(x, y), UV) -            \
           __builtin_astype((V)__builtin_elementwise_min(x, y), UV);             \
  }                                                                           \
  OVLC V hadd(V x, V y) { return (x >> (V)1) + (y >> (V)1) + (x & y & (V)1); } \
  OVLC V rhadd(V x, V y) { return (x >> (V)1) + (y >> (V)1) + ((x | y) & (V)1); } \
  OVLC V clamp(V x, V lo, V hi) { return __builtin_elementwise_min(__builtin_elementwise_max(x, lo), hi); } \
  OVLC V max(V x, V y) { return __builtin_elementwise_max(x, y); }            \
  OVLC V min(V x, V y) { return __builtin_elementwise_min(x, y); }            \
  OVLC V mad_hi(V a, V b, V c) { return mul_hi(a, b) + c; }                   \
  OVLC V rotate(V v, V i) {                                                   \
    UV u = __builtin_astype(v, UV);                                           \
    UV s = __builtin_astype(i, UV) & (UV)(B - 1);                             \
    UV r = (UV)(u << s) | (UV)(u >> (((UV)B - s) & (UV)(B - 1)));             \
    return __builtin_astype(r, V);                                            \
  }

// Saturating add/sub. Clang promotes scalar char/short arguments of the
// elementwise builtins to int, so those scalars saturate via int arithmetic.
#define INT_SAT_EW(V)                                                         \
  OVLC V add_sat(V x, V y) { return __builtin_elementwise_add_sat(x, y); }    \
  OVLC V sub_sat(V x, V y) { return __builtin_elementwise_sub_sat(x, y); }
#define INT_SAT_SMALL(S, LO, HI)                                              \
  OVLC S add_sat(S x, S y) { int r = (int)x + (int)y; return (S)(r < LO ? LO : r > HI ? HI : r); } \
  OVLC S sub_sat(S x, S y) { int r = (int)x - (int)y; return (S)(r < LO ? LO : r > HI ? HI : r); }
#define INT_SAT_VEC(S) INT_SAT_EW(S##2) INT_SAT_EW(S##3) INT_SAT_EW(S##4) INT_SAT_EW(S##8) INT_SAT_EW(S##16)

#define INT_VS(V, S)                                                          \
  OVLC V clamp(V x, S lo, S hi) { return clamp(x, (V)(lo), (V)(hi)); }        \
  OVLC V max(V x, S y) { return max(x, (V)(y)); }                             \
  OVLC V min(V x, S y) { return min(x, (V)(y)); }

#define INT_ABS_SIGNED(V, UV) OVLC UV abs(V x) { return __builtin_astype((V)__builtin_elementwise_abs(x), UV); }
#define INT_ABS_UNSIGNED(V, UV) OVLC UV abs(V x) { return x; }

// Scalar bit counting (vectors map per element below).
#define INT_BITS_S(S, US, B)                                                  \
  OVLC S clz(S x) { return (S)__builtin_clzg((US)x, B); }                     \
  OVLC S ctz(S x) { return (S)__builtin_ctzg((US)x, B); }                     \
  OVLC S popcount(S x) { return (S)__builtin_popcountg((US)x); }
#define INT_BITS_N(S, N) LAVA_MAP1(S, S, N, clz) LAVA_MAP1(S, S, N, ctz) LAVA_MAP1(S, S, N, popcount)

// mul_hi / mad_sat for 8..32-bit types via the double-width type W.
#define INT_WIDE(V, W, CV, LO, HI)                                            \
  OVLC V mul_hi(V a, V b) { return CV((CV(a, W) * CV(b, W)) >> (W)(sizeof(a) / vec_step(a) * 8), V); } \
  OVLC V mad_sat(V a, V b, V c) {                                             \
    W p = CV(a, W) * CV(b, W) + CV(c, W);                                     \
    return CV(__builtin_elementwise_min(__builtin_elementwise_max(p, (W)(LO)), (W)(HI)), V); \
  }

#define INT_TYPE(S, US, B, ABS)                                               \
  INT_COMMON(S, S, US, US, B) ABS(S, US) INT_BITS_S(S, US, B)                 \
  INT_COMMON(S##2, S, US##2, US, B) INT_VS(S##2, S) ABS(S##2, US##2) INT_BITS_N(S, 2) \
  INT_COMMON(S##3, S, US##3, US, B) INT_VS(S##3, S) ABS(S##3, US##3) INT_BITS_N(S, 3) \
  INT_COMMON(S##4, S, US##4, US, B) INT_VS(S##4, S) ABS(S##4, US##4) INT_BITS_N(S, 4) \
  INT_COMMON(S##8, S, US##8, US, B) INT_VS(S##8, S) ABS(S##8, US##8) INT_BITS_N(S, 8) \
  INT_COMMON(S##16, S, US##16, US, B) INT_VS(S##16, S) ABS(S##16, US##16) INT_BITS_N(S, 16)

#define INT_WIDE_ALL(S, W, LO, HI)                                            \
  INT_WIDE(S, W, CVT_S, LO, HI) INT_WIDE(S##2, W##2, CVT_V, LO, HI)           \
  INT_WIDE(S##3, W##3, CVT_V, LO, HI) INT_WIDE(S##4, W##4, CVT_V, LO, HI)     \
  INT_WIDE(S##8, W##8, CVT_V, LO, HI) INT_WIDE(S##16, W##16, CVT_V, LO, HI)

INT_TYPE(char, uchar, 8, INT_ABS_SIGNED)
INT_TYPE(uchar, uchar, 8, INT_ABS_UNSIGNED)
INT_TYPE(short, ushort, 16, INT_ABS_SIGNED)
INT_TYPE(ushort, ushort, 16, INT_ABS_UNSIGNED)
INT_TYPE(int, uint, 32, INT_ABS_SIGNED)
INT_TYPE(uint, uint, 32, INT_ABS_UNSIGNED)
INT_TYPE(long, ulong, 64, INT_ABS_SIGNED)
INT_TYPE(ulong, ulong, 64, INT_ABS_UNSIGNED)

INT_SAT_SMALL(char, CHAR_MIN, CHAR_MAX) INT_SAT_VEC(char)
INT_SAT_SMALL(uchar, 0, UCHAR_MAX) INT_SAT_VEC(uchar)
INT_SAT_SMALL(short, SHRT_MIN, SHRT_MAX) INT_SAT_VEC(short)
INT_SAT_SMALL(ushort, 0, USHRT_MAX) INT_SAT_VEC(ushort)
INT_SAT_EW(int) INT_SAT_VEC(int)
INT_SAT_EW(uint) INT_SAT_VEC(uint)
INT_SAT_EW(long) INT_SAT_VEC(long)
INT_SAT_EW(ulong) INT_SAT_VEC(ulong)

INT_WIDE_ALL(char, short, CHAR_MIN, CHAR_MAX)
INT_WIDE_ALL(uchar, ushort, 0, UCHAR_MAX)
INT_WIDE_ALL(short, int, SHRT_MIN, SHRT_MAX)
INT_WIDE_ALL(ushort, uint, 0, USHRT_MAX)
INT_WIDE_ALL(int, long, INT_MIN, INT_MAX)
INT_WIDE_ALL(uint, ulong, 0, UINT_MAX)

// 64-bit mul_hi / mad_sat (no 128-bit type on spir64): 32-bit limbs.
static inline ulong lava_umulh64(ulong a, ulong b, ulong *lo) {
  ulong a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
  ulong p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  ulong mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
  *lo = a * b;
  return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}
OVLC ulong mul_hi(ulong a, ulong b) { ulong lo; return lava_umulh64(a, b, &lo); }
OVLC long mul_hi(long a, long b) {
  ulong lo;
  ulong h = lava_umulh64((ulong)a, (ulong)b, &lo);
  h -= (a < 0 ? (ulong)b : 0ul) + (b < 0 ? (ulong)a : 0ul);
  return (long)h;
}
OVLC ulong mad_sat(ulong a, ulong b, ulong c) {
  ulong lo;
  ulong hi = lava_umulh64(a, b, &lo);
  ulong lo2 = lo + c;
  hi += (lo2 < lo) ? 1ul : 0ul;
  return hi != 0 ? ULONG_MAX : lo2;
}
OVLC long mad_sat(long a, long b, long c) {
  ulong lo;
  ulong hi = lava_umulh64((ulong)a, (ulong)b, &lo);
  hi -= (a < 0 ? (ulong)b : 0ul) + (b < 0 ? (ulong)a : 0ul);   // signed 128-bit product
  ulong lo2 = lo + (ulong)c;
  hi += ((lo2 < lo) ? 1ul : 0ul) + (c < 0 ? ~0ul : 0ul);
  if ((long)hi == ((long)lo2 >> 63)) return (long)lo2;
  return (long)hi < 0 ? LONG_MIN : LONG_MAX;
}
#define INT64_N(S, N) LAVA_MAP2(S, S, S, N, mul_hi) LAVA_MAP3(S, S, N, mad_sat)
LAVA_FOREACH_VW(INT64_N, long)
LAVA_FOREACH_VW(INT64_N, ulong)

// upsample(hi, lo): S hi, US lo -> W (double width)
#define UPSAMPLE(W, UW, S, US, B, CV)                                         \
  OVLC W upsample(S hi, US lo) {                                              \
    return (CV(hi, W) << (W)(B)) | __builtin_astype(CV(lo, UW), W);           \
  }
#define UPSAMPLE_ALL(W, UW, S, US, B)                                         \
  UPSAMPLE(W, UW, S, US, B, CVT_S) UPSAMPLE(W##2, UW##2, S##2, US##2, B, CVT_V) \
  UPSAMPLE(W##3, UW##3, S##3, US##3, B, CVT_V) UPSAMPLE(W##4, UW##4, S##4, US##4, B, CVT_V) \
  UPSAMPLE(W##8, UW##8, S##8, US##8, B, CVT_V) UPSAMPLE(W##16, UW##16, S##16, US##16, B, CVT_V)
UPSAMPLE_ALL(short, ushort, char, uchar, 8)
UPSAMPLE_ALL(ushort, ushort, uchar, uchar, 8)
UPSAMPLE_ALL(int, uint, short, ushort, 16)
UPSAMPLE_ALL(uint, uint, ushort, ushort, 16)
UPSAMPLE_ALL(long, ulong, int, uint, 32)
UPSAMPLE_ALL(ulong, ulong, uint, uint, 32)

// mad24 / mul24 (int and uint)
#define INT24(V) OVLC V mul24(V a, V b) { return a * b; } OVLC V mad24(V a, V b, V c) { return a * b + c; }
#define INT24_N(S, N) INT24(S##N)
INT24(int) INT24(uint)
LAVA_FOREACH_VW(INT24_N, int)
LAVA_FOREACH_VW(INT24_N, uint)
