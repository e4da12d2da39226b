// OpenCL 1.x atomic functions: atomic_* (int/uint, __global/__local, plus
// atomic_xchg for float) and the cl_khr_*_atomics atom_* names (int/uint and
// 64-bit long/ulong). All are relaxed read-modify-write operations, as in
// OpenCL 1.x; cmpxchg returns the old value.
#include "lava_builtins.h"
#pragma OPENCL EXTENSION cl_khr_int64_base_atomics : enable
#pragma OPENCL EXTENSION cl_khr_int64_extended_atomics : enable

#define R __ATOMIC_RELAXED
#define ATOMIC_OPS(PFX, T, AS)                                                \
  OVL T PFX##add(volatile AS T *p, T v) { return __atomic_fetch_add(p, v, R); } \
  OVL T PFX##sub(volatile AS T *p, T v) { return __atomic_fetch_sub(p, v, R); } \
  OVL T PFX##xchg(volatile AS T *p, T v) { return __atomic_exchange_n(p, v, R); } \
  OVL T PFX##inc(volatile AS T *p) { return __atomic_fetch_add(p, (T)1, R); } \
  OVL T PFX##dec(volatile AS T *p) { return __atomic_fetch_sub(p, (T)1, R); } \
  OVL T PFX##cmpxchg(volatile AS T *p, T cmp, T v) {                          \
    __atomic_compare_exchange_n(p, &cmp, v, 0, R, R);                         \
    return cmp;                                                               \
  }                                                                           \
  OVL T PFX##min(volatile AS T *p, T v) { return __atomic_fetch_min(p, v, R); } \
  OVL T PFX##max(volatile AS T *p, T v) { return __atomic_fetch_max(p, v, R); } \
  OVL T PFX##and(volatile AS T *p, T v) { return __atomic_fetch_and(p, v, R); } \
  OVL T PFX##or(volatile AS T *p, T v) { return __atomic_fetch_or(p, v, R); } \
  OVL T PFX##xor(volatile AS T *p, T v) { return __atomic_fetch_xor(p, v, R); }
#define ATOMIC_ALL(PFX, T) ATOMIC_OPS(PFX, T, __global) ATOMIC_OPS(PFX, T, __local)

ATOMIC_ALL(atomic_, int)
ATOMIC_ALL(atomic_, uint)
ATOMIC_ALL(atom_, int)
ATOMIC_ALL(atom_, uint)
ATOMIC_ALL(atom_, long)
ATOMIC_ALL(atom_, ulong)

#define ATOMIC_XCHG_F(AS)                                                     \
  OVL float atomic_xchg(volatile AS float *p, float v) {                      \
    return __builtin_astype(__atomic_exchange_n((volatile AS uint *)p, __builtin_astype(v, uint), R), float); \
  }
ATOMIC_XCHG_F(__global)
ATOMIC_XCHG_F(__local)
