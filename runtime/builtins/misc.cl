// Miscellaneous OpenCL C builtins: shuffle, shuffle2 (all element types,
// widths 2,4,8,16) and prefetch (a no-op on CPU).
#include "lava_builtins.h"

// T: element type, U: unsigned element of the same size, N: source width, M: mask width
#define SHUF(T, U, N, M)                                                      \
  OVLC T##M shuffle(T##N x, U##M mask) {                                      \
    T##M r;                                                                   \
    for (int i = 0; i < M; ++i) r[i] = x[mask[i] & (N - 1)];                  \
    return r;                                                                 \
  }                                                                           \
  OVLC T##M shuffle2(T##N x, T##N y, U##M mask) {                             \
    T##M r;                                                                   \
    for (int i = 0; i < M; ++i) {                                             \
      uint k = (uint)(mask[i] & (2 * N - 1));                                 \
      r[i] = k < N ? x[k] : y[k - N];                                         \
    }                                                                         \
    return r;                                                                 \
  }
#define SHUF_N(T, U, N) SHUF(T, U, N, 2) SHUF(T, U, N, 4) SHUF(T, U, N, 8) SHUF(T, U, N, 16)
#define SHUF_T(T, U) SHUF_N(T, U, 2) SHUF_N(T, U, 4) SHUF_N(T, U, 8) SHUF_N(T, U, 16)
SHUF_T(char, uchar)
SHUF_T(uchar, uchar)
SHUF_T(short, ushort)
SHUF_T(ushort, ushort)
SHUF_T(int, uint)
SHUF_T(uint, uint)
SHUF_T(long, ulong)
SHUF_T(ulong, ulong)
SHUF_T(float, uint)
SHUF_T(double, ulong)

#define PREFETCH_V(T) OVL void prefetch(const __global T *p, size_t n) {}
#define PREFETCH_N(T, N) PREFETCH_V(T##N)
#define PREFETCH(T) PREFETCH_V(T) LAVA_FOREACH_VW(PREFETCH_N, T)
PREFETCH(char) PREFETCH(uchar) PREFETCH(short) PREFETCH(ushort) PREFETCH(int)
PREFETCH(uint) PREFETCH(long) PREFETCH(ulong) PREFETCH(float) PREFETCH(double)
