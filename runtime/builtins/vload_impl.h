// Shared implementation of vloadN/vstoreN and the half-precision
// vload_half/vstore_half families. LAVA_VLOAD_ALL(AS) / LAVA_VSTORE_ALL(AS)
// define them for pointers in address space AS (empty = private in CL1.2,
// generic in CL2.0). Included by vload_vstore.cl and generic_vload_vstore.cl.
#include "lava_builtins.h"
#pragma OPENCL EXTENSION cl_khr_fp16 : enable

// Vector types with only element alignment, for unaligned whole-vector access.
#define LAVA_UTYPES_N(T, N) typedef T##N __attribute__((aligned(sizeof(T)))) lava_u_##T##N;
#define LAVA_UTYPES(T) LAVA_UTYPES_N(T, 2) LAVA_UTYPES_N(T, 4) LAVA_UTYPES_N(T, 8) LAVA_UTYPES_N(T, 16)
LAVA_UTYPES(char) LAVA_UTYPES(uchar) LAVA_UTYPES(short) LAVA_UTYPES(ushort)
LAVA_UTYPES(int) LAVA_UTYPES(uint) LAVA_UTYPES(long) LAVA_UTYPES(ulong)
LAVA_UTYPES(float) LAVA_UTYPES(double) LAVA_UTYPES(half)

// ---- vloadN / vstoreN -----------------------------------------------------------
#define LAVA_VLOAD_N(T, N, AS)                                                \
  OVL T##N vload##N(size_t off, const AS T *p) { return *(const AS lava_u_##T##N *)(p + off * N); }
#define LAVA_VLOAD_3(T, AS)                                                   \
  OVL T##3 vload3(size_t off, const AS T *p) {                                \
    const AS T *q = p + off * 3;                                              \
    return (T##3)(q[0], q[1], q[2]);                                          \
  }
#define LAVA_VLOAD_T(T, AS)                                                   \
  LAVA_VLOAD_N(T, 2, AS) LAVA_VLOAD_3(T, AS) LAVA_VLOAD_N(T, 4, AS)           \
  LAVA_VLOAD_N(T, 8, AS) LAVA_VLOAD_N(T, 16, AS)
#define LAVA_VSTORE_N(T, N, AS)                                               \
  OVL void vstore##N(T##N v, size_t off, AS T *p) { *(AS lava_u_##T##N *)(p + off * N) = v; }
#define LAVA_VSTORE_3(T, AS)                                                  \
  OVL void vstore3(T##3 v, size_t off, AS T *p) {                             \
    AS T *q = p + off * 3;                                                    \
    q[0] = v.s0; q[1] = v.s1; q[2] = v.s2;                                    \
  }
#define LAVA_VSTORE_T(T, AS)                                                  \
  LAVA_VSTORE_N(T, 2, AS) LAVA_VSTORE_3(T, AS) LAVA_VSTORE_N(T, 4, AS)        \
  LAVA_VSTORE_N(T, 8, AS) LAVA_VSTORE_N(T, 16, AS)

// ---- half <-> float/double ---------------------------------------------------------
// vload_half / vload_halfN / vloada_halfN -> float
#define LAVA_VLOAD_HALF_N(N, AS)                                              \
  OVL float##N vload_half##N(size_t off, const AS half *p) {                  \
    return __builtin_convertvector(*(const AS lava_u_half##N *)(p + off * N), float##N); \
  }                                                                           \
  OVL float##N vloada_half##N(size_t off, const AS half *p) {                 \
    return __builtin_convertvector(*(const AS half##N *)(p + off * N), float##N); \
  }
#define LAVA_VLOAD_HALF(AS)                                                   \
  OVL float vload_half(size_t off, const AS half *p) { return (float)p[off]; } \
  OVL float3 vload_half3(size_t off, const AS half *p) {                      \
    const AS half *q = p + off * 3;                                           \
    return (float3)((float)q[0], (float)q[1], (float)q[2]);                   \
  }                                                                           \
  OVL float3 vloada_half3(size_t off, const AS half *p) {                     \
    const AS half *q = p + off * 4;                                           \
    return (float3)((float)q[0], (float)q[1], (float)q[2]);                   \
  }                                                                           \
  LAVA_VLOAD_HALF_N(2, AS) LAVA_VLOAD_HALF_N(4, AS) LAVA_VLOAD_HALF_N(8, AS) LAVA_VLOAD_HALF_N(16, AS)

// Directed rounding to half: round to nearest, then step one half-ulp toward
// the requested direction if the nearest value lies on the wrong side.
// MODE: 0 rte, 1 rtz, 2 rtp, 3 rtn.
#define LAVA_TO_HALF(S)                                                       \
  static inline OVL half lava_to_half(S f, int mode) {                        \
    half h = (half)f;                                                         \
    if (mode == 0) return h;                                                  \
    S b = (S)h;                                                               \
    if (b == f || f != f) return h;                                           \
    int wrong = mode == 1 ? (__builtin_elementwise_abs(b) > __builtin_elementwise_abs(f)) \
              : mode == 2 ? (b < f) : (b > f);                                \
    if (!wrong) return h;                                                     \
    ushort u = __builtin_astype(h, ushort);                                   \
    int neg = (u & 0x8000) != 0;                                              \
    u = (f > b) == !neg ? (ushort)(u + 1) : (ushort)(u - 1);                  \
    return __builtin_astype(u, half);                                         \
  }
LAVA_TO_HALF(float)
LAVA_TO_HALF(double)

#define LAVA_VSTORE_HALF_SFX(S, AS, SFX, MODE)                                \
  OVL void vstore_half##SFX(S v, size_t off, AS half *p) { p[off] = lava_to_half(v, MODE); } \
  OVL void vstore_half3##SFX(S##3 v, size_t off, AS half *p) {                \
    AS half *q = p + off * 3;                                                 \
    for (int i = 0; i < 3; ++i) q[i] = lava_to_half(v[i], MODE);              \
  }                                                                           \
  OVL void vstorea_half3##SFX(S##3 v, size_t off, AS half *p) {               \
    AS half *q = p + off * 4;                                                 \
    for (int i = 0; i < 3; ++i) q[i] = lava_to_half(v[i], MODE);              \
  }                                                                           \
  LAVA_VSTORE_HALF_N(S, 2, AS, SFX, MODE) LAVA_VSTORE_HALF_N(S, 4, AS, SFX, MODE) \
  LAVA_VSTORE_HALF_N(S, 8, AS, SFX, MODE) LAVA_VSTORE_HALF_N(S, 16, AS, SFX, MODE)
#define LAVA_VSTORE_HALF_N(S, N, AS, SFX, MODE)                               \
  OVL void vstore_half##N##SFX(S##N v, size_t off, AS half *p) {              \
    half##N h;                                                                \
    if (MODE == 0) h = __builtin_convertvector(v, half##N);                   \
    else for (int i = 0; i < N; ++i) h[i] = lava_to_half(v[i], MODE);         \
    *(AS lava_u_half##N *)(p + off * N) = h;                                  \
  }                                                                           \
  OVL void vstorea_half##N##SFX(S##N v, size_t off, AS half *p) {             \
    half##N h;                                                                \
    if (MODE == 0) h = __builtin_convertvector(v, half##N);                   \
    else for (int i = 0; i < N; ++i) h[i] = lava_to_half(v[i], MODE);         \
    *(AS half##N *)(p + off * N) = h;                                         \
  }
#define LAVA_VSTORE_HALF_T(S, AS)                                             \
  LAVA_VSTORE_HALF_SFX(S, AS, , 0) LAVA_VSTORE_HALF_SFX(S, AS, _rte, 0)       \
  LAVA_VSTORE_HALF_SFX(S, AS, _rtz, 1) LAVA_VSTORE_HALF_SFX(S, AS, _rtp, 2)   \
  LAVA_VSTORE_HALF_SFX(S, AS, _rtn, 3)

#define LAVA_VLOAD_ALL(AS)                                                    \
  LAVA_VLOAD_T(char, AS) LAVA_VLOAD_T(uchar, AS) LAVA_VLOAD_T(short, AS)      \
  LAVA_VLOAD_T(ushort, AS) LAVA_VLOAD_T(int, AS) LAVA_VLOAD_T(uint, AS)       \
  LAVA_VLOAD_T(long, AS) LAVA_VLOAD_T(ulong, AS) LAVA_VLOAD_T(float, AS)      \
  LAVA_VLOAD_T(double, AS) LAVA_VLOAD_HALF(AS)
#define LAVA_VSTORE_ALL(AS)                                                   \
  LAVA_VSTORE_T(char, AS) LAVA_VSTORE_T(uchar, AS) LAVA_VSTORE_T(short, AS)   \
  LAVA_VSTORE_T(ushort, AS) LAVA_VSTORE_T(int, AS) LAVA_VSTORE_T(uint, AS)    \
  LAVA_VSTORE_T(long, AS) LAVA_VSTORE_T(ulong, AS) LAVA_VSTORE_T(float, AS)   \
  LAVA_VSTORE_T(double, AS) LAVA_VSTORE_HALF_T(float, AS) LAVA_VSTORE_HALF_T(double, AS)
