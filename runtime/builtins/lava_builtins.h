// Shared helper macros for the LavaAccel OpenCL C builtin library.
// Included by every runtime/builtins/*.cl file (not compiled on its own).
#ifndef LAVA_BUILTINS_H
#define LAVA_BUILTINS_H

#pragma OPENCL EXTENSION cl_khr_fp64 : enable

#define OVL __attribute__((overloadable))
#define OVLC __attribute__((overloadable, const))

// Apply F(T, N) for every vector width.
#define LAVA_FOREACH_VW(F, T) F(T, 2) F(T, 3) F(T, 4) F(T, 8) F(T, 16)

// Element-wise helpers that call the scalar overload of NAME per element.
// Clang lowers the fixed-count loops to straight-line code at -O2.
#define LAVA_MAP1(RT, T, N, NAME)                                             \
  OVLC RT##N NAME(T##N x) {                                                   \
    RT##N r;                                                                  \
    for (int i = 0; i < N; ++i) r[i] = NAME(x[i]);                            \
    return r;                                                                 \
  }
#define LAVA_MAP2(RT, T, U, N, NAME)                                          \
  OVLC RT##N NAME(T##N x, U##N y) {                                           \
    RT##N r;                                                                  \
    for (int i = 0; i < N; ++i) r[i] = NAME(x[i], y[i]);                      \
    return r;                                                                 \
  }
#define LAVA_MAP3(RT, T, N, NAME)                                             \
  OVLC RT##N NAME(T##N x, T##N y, T##N z) {                                   \
    RT##N r;                                                                  \
    for (int i = 0; i < N; ++i) r[i] = NAME(x[i], y[i], z[i]);                \
    return r;                                                                 \
  }

#endif
