// OpenCL C relational functions. Scalars return 1/0 (int), vectors return a
// -1/0 mask (intN for float, longN for double, same-size ints for select).
#include "lava_builtins.h"

// ---- float/double comparisons and classification ----------------------------
// V: argument type, R: result type (int for scalars, mask vector otherwise).
#define REL_CMP(V, R)                                                         \
  OVLC R isequal(V x, V y) { return x == y; }                                 \
  OVLC R isnotequal(V x, V y) { return x != y; }                              \
  OVLC R isgreater(V x, V y) { return x > y; }                                \
  OVLC R isgreaterequal(V x, V y) { return x >= y; }                          \
  OVLC R isless(V x, V y) { return x < y; }                                   \
  OVLC R islessequal(V x, V y) { return x <= y; }                             \
  OVLC R islessgreater(V x, V y) { return (x < y) | (x > y); }                \
  OVLC R isordered(V x, V y) { return (x == x) & (y == y); }                  \
  OVLC R isunordered(V x, V y) { return (x != x) | (y != y); }

#define REL_CLASS_S(S, IS)                                                    \
  OVLC int isfinite(S x) { return __builtin_isfinite(x); }                    \
  OVLC int isinf(S x) { return __builtin_isinf(x); }                          \
  OVLC int isnan(S x) { return __builtin_isnan(x); }                          \
  OVLC int isnormal(S x) { return __builtin_isnormal(x); }                    \
  OVLC int signbit(S x) { return __builtin_astype(x, IS) < 0; }

#define REL_CLASS_V(V, R, S, MINNORM)                                         \
  OVLC R isfinite(V x) { return __builtin_elementwise_abs(x) < (V)((S)INFINITY); } \
  OVLC R isinf(V x) { return __builtin_elementwise_abs(x) == (V)((S)INFINITY); } \
  OVLC R isnan(V x) { return x != x; }                                        \
  OVLC R isnormal(V x) {                                                      \
    V a = __builtin_elementwise_abs(x);                                       \
    return (a >= (V)(MINNORM)) & (a < (V)((S)INFINITY));                      \
  }                                                                           \
  OVLC R signbit(V x) { return __builtin_astype(x, R) < (R)0; }

#define REL_F_N(T, N) REL_CMP(float##N, int##N) REL_CLASS_V(float##N, int##N, float, FLT_MIN)
#define REL_D_N(T, N) REL_CMP(double##N, long##N) REL_CLASS_V(double##N, long##N, double, DBL_MIN)
REL_CMP(float, int) REL_CLASS_S(float, int)
REL_CMP(double, int) REL_CLASS_S(double, long)
LAVA_FOREACH_VW(REL_F_N, float)
LAVA_FOREACH_VW(REL_D_N, double)

// ---- any / all (signed integer types; test the most significant bit) --------
#define ANYALL_S(S) OVLC int any(S x) { return x < 0; } OVLC int all(S x) { return x < 0; }
#define ANYALL_N(S, N)                                                        \
  OVLC int any(S##N x) { return __builtin_reduce_or(x < (S##N)0) != 0; }      \
  OVLC int all(S##N x) { return __builtin_reduce_and(x < (S##N)0) != 0; }
#define ANYALL(S) ANYALL_S(S) LAVA_FOREACH_VW(ANYALL_N, S)
ANYALL(char)
ANYALL(short)
ANYALL(int)
ANYALL(long)

// ---- select / bitselect -------------------------------------------------------
// T: element type, IS/US: signed/unsigned integer element of the same size.
#define SELECT_S(T, IS, US)                                                   \
  OVLC T select(T a, T b, IS c) { return c ? b : a; }                         \
  OVLC T select(T a, T b, US c) { return c ? b : a; }                         \
  OVLC T bitselect(T a, T b, T c) {                                           \
    US ua = __builtin_astype(a, US), ub = __builtin_astype(b, US), uc = __builtin_astype(c, US); \
    return __builtin_astype((US)((ua & ~uc) | (ub & uc)), T);                 \
  }
#define SELECT_V(T, IS, US, N)                                                \
  OVLC T##N select(T##N a, T##N b, IS##N c) {                                 \
    IS##N m = c < (IS##N)0; /* MSB -> -1/0 */                                 \
    return m ? b : a;                                                         \
  }                                                                           \
  OVLC T##N select(T##N a, T##N b, US##N c) {                                 \
    IS##N m = __builtin_astype(c, IS##N) < (IS##N)0;                          \
    return m ? b : a;                                                         \
  }                                                                           \
  OVLC T##N bitselect(T##N a, T##N b, T##N c) {                               \
    US##N ua = __builtin_astype(a, US##N), ub = __builtin_astype(b, US##N),   \
          uc = __builtin_astype(c, US##N);                                    \
    return __builtin_astype((ua & ~uc) | (ub & uc), T##N);                    \
  }
#define SELECT_ALL(T, IS, US)                                                 \
  SELECT_S(T, IS, US) SELECT_V(T, IS, US, 2) SELECT_V(T, IS, US, 3)           \
  SELECT_V(T, IS, US, 4) SELECT_V(T, IS, US, 8) SELECT_V(T, IS, US, 16)
SELECT_ALL(char, char, uchar)
SELECT_ALL(uchar, char, uchar)
SELECT_ALL(short, short, ushort)
SELECT_ALL(ushort, short, ushort)
SELECT_ALL(int, int, uint)
SELECT_ALL(uint, int, uint)
SELECT_ALL(long, long, ulong)
SELECT_ALL(ulong, long, ulong)
SELECT_ALL(float, int, uint)
SELECT_ALL(double, long, ulong)
