#!/usr/bin/env python3
"""Generates conversions.cl: every OpenCL C explicit conversion
convert_<dst><N>[_sat][_rte|_rtz|_rtp|_rtn](<src><N>) for the 10 element
types char..double and N in 1,2,3,4,8,16.

Run:  python3 gen_conversions.py > conversions.cl   (the output is committed)
"""

INTS = {  # name: (bits, signed, min literal, max literal)
    "char": (8, True, "(-128)", "127"),
    "uchar": (8, False, "0", "255"),
    "short": (16, True, "(-32768)", "32767"),
    "ushort": (16, False, "0", "65535"),
    "int": (32, True, "(-2147483647 - 1)", "2147483647"),
    "uint": (32, False, "0u", "4294967295u"),
    "long": (64, True, "(-9223372036854775807L - 1)", "9223372036854775807L"),
    "ulong": (64, False, "0ul", "18446744073709551615ul"),
}
FLOATS = {"float": 24, "double": 53}  # mantissa precision
TYPES = list(INTS) + list(FLOATS)
WIDTHS = ["", "2", "3", "4", "8", "16"]
MODES = ["", "_rte", "_rtz", "_rtp", "_rtn"]
SIGNED_OF = {8: "char", 16: "short", 32: "int", 64: "long"}


def pow2(t, k):
    """2^k as a literal of float type t."""
    return "0x1p%d%s" % (k, "f" if t == "float" else "")


def below_pow2(t, k):
    # largest value of type t below 2^k
    return "0x1.fffffep%d%s" % (k - 1, "f") if t == "float" else "0x1.fffffffffffffp%d" % (k - 1)


def rnd_builtin(mode, sat):
    return {"": "trunc" if sat else None, "_rtz": "trunc" if sat else None,
            "_rte": "rint", "_rtp": "ceil", "_rtn": "floor"}[mode]


def int_range_contains(dst, src):
    db, ds, _, _ = INTS[dst]
    sb, ss, _, _ = INTS[src]
    lo_ok = (not ss) or ds  # src min >= dst min
    if ss and ds:
        lo_ok = sb <= db
    # max
    smax = (1 << (sb - 1)) - 1 if ss else (1 << sb) - 1
    dmax = (1 << (db - 1)) - 1 if ds else (1 << db) - 1
    return lo_ok and smax <= dmax


def exact_int_to_float(src, dst):
    return INTS[src][0] - (1 if INTS[src][1] else 0) <= FLOATS[dst]


out = []
emit = out.append


def vec(t, n):
    return t + n


def body_scalar(src, dst, sat, mode):
    """Returns the body expression/statements of the scalar conversion of x."""
    if src == dst:
        return "return x;"
    if src in INTS and dst in INTS:
        if not sat or int_range_contains(dst, src):
            return "return (%s)x;" % dst
        sb, ss, smin, smax = INTS[src]
        db, ds, dmin, dmax = INTS[dst]
        lines = []
        # lower bound: dst min if src can go below it
        if ss and (not ds or sb > db):
            lines.append("if (x < (%s)%s) return (%s)%s;" % (src, dmin, dst, dmin))
        smaxv = (1 << (sb - 1)) - 1 if ss else (1 << sb) - 1
        dmaxv = (1 << (db - 1)) - 1 if ds else (1 << db) - 1
        if smaxv > dmaxv:
            lines.append("if (x > (%s)%s) return (%s)%s;" % (src, dmax, dst, dmax))
        lines.append("return (%s)x;" % dst)
        return " ".join(lines)
    if src in INTS and dst in FLOATS:
        if mode in ("", "_rte") or exact_int_to_float(src, dst):
            return "return (%s)x;" % dst
        return "return lava_cvt_%s_%s(x, %d);" % (src, dst, MODES.index(mode))
    if src in FLOATS and dst in FLOATS:
        if src == "float" or mode in ("", "_rte"):
            return "return (%s)x;" % dst
        return "return lava_cvt_double_float(x, %d);" % MODES.index(mode)
    # float -> int
    rb = rnd_builtin(mode, sat)
    y = "__builtin_elementwise_%s(x)" % rb if rb else "x"
    if not sat:
        return "return (%s)%s;" % (dst, y)
    db, ds, dmin, dmax = INTS[dst]
    k = db - 1 if ds else db
    lo = "(%s)%s" % (src, dmin)
    return ("%s y = %s; if (y != y) return (%s)0; if (y >= %s) return (%s)%s; "
            "if (y <= %s) return (%s)%s; return (%s)y;" %
            (src, y, dst, pow2(src, k), dst, dmax, lo, dst, dmin, dst))


def body_vector(src, dst, n, sat, mode, name):
    sv, dv = src + n, dst + n
    loop = ("%s r; for (int i = 0; i < %s; ++i) r[i] = %s(x[i]); return r;" %
            (dv, n, scalar_name(dst, sat, mode)))
    if src == dst:
        return "return x;"
    if src in INTS and dst in INTS:
        if not sat or int_range_contains(dst, src):
            return "return __builtin_convertvector(x, %s);" % dv
        sb, ss, smin, smax = INTS[src]
        db, ds, dmin, dmax = INTS[dst]
        e = "x"
        if ss and (not ds or sb > db):
            e = "__builtin_elementwise_max(%s, (%s)(%s)%s)" % (e, sv, src, dmin)
        smaxv = (1 << (sb - 1)) - 1 if ss else (1 << sb) - 1
        dmaxv = (1 << (db - 1)) - 1 if ds else (1 << db) - 1
        if smaxv > dmaxv:
            e = "__builtin_elementwise_min(%s, (%s)(%s)%s)" % (e, sv, src, dmax)
        return "return __builtin_convertvector(%s, %s);" % (e, dv)
    if src in INTS and dst in FLOATS:
        if mode in ("", "_rte") or exact_int_to_float(src, dst):
            return "return __builtin_convertvector(x, %s);" % dv
        return loop
    if src in FLOATS and dst in FLOATS:
        if src == "float" or mode in ("", "_rte"):
            return "return __builtin_convertvector(x, %s);" % dv
        return loop
    rb = rnd_builtin(mode, sat)
    y = "__builtin_elementwise_%s(x)" % rb if rb else "x"
    if not sat:
        return "return __builtin_convertvector(%s, %s);" % (y, dv)
    db, ds, dmin, dmax = INTS[dst]
    k = db - 1 if ds else db
    idv = SIGNED_OF[db] + n
    return ("%s y = %s; "
            "%s r = __builtin_convertvector(__builtin_elementwise_min(__builtin_elementwise_max(y, (%s)(%s)%s), (%s)%s), %s); "
            "%s mhi = __builtin_convertvector(y >= (%s)%s, %s); "
            "%s mnan = __builtin_convertvector(y != y, %s); "
            "r = mhi ? (%s)(%s)%s : r; return mnan ? (%s)(%s)0 : r;" %
            (sv, y, dv, sv, src, dmin, sv, below_pow2(src, k), dv,
             idv, sv, pow2(src, k), idv, idv, idv, dv, dst, dmax, dv, dst))


def scalar_name(dst, sat, mode):
    return "convert_%s%s%s" % (dst, "_sat" if sat else "", mode)


emit("// GENERATED by gen_conversions.py -- do not edit by hand.")
emit("// OpenCL C explicit conversions convert_<dst><N>[_sat][_<rounding>](<src><N>)")
emit("// for char, uchar, short, ushort, int, uint, long, ulong, float, double and")
emit("// N in 1, 2, 3, 4, 8, 16. Defaults: float->int rounds toward zero, int->float")
emit("// and double->float round to nearest even. _sat: NaN -> 0, out of range clamps.")
emit('#include "lava_builtins.h"')
emit("")
emit("// Directed rounding helpers: round to nearest, then step one ulp if the")
emit("// result lies on the wrong side of the exact value. cmp = sign(f - exact).")
emit("// mode: 2 rtz, 3 rtp, 4 rtn (index in the suffix list).")
for f in ("float", "double"):
    nx = "__builtin_nextafterf" if f == "float" else "__builtin_nextafter"
    inf = "INFINITY" if f == "float" else "(double)INFINITY"
    emit("static inline %s lava_adjust_%s(%s f, int cmp, int mode) {" % (f, f, f))
    emit("  if (mode == 2 && ((cmp > 0 && f > 0) || (cmp < 0 && f < 0))) return %s(f, (%s)0);" % (nx, f))
    emit("  if (mode == 3 && cmp < 0) return %s(f, %s);" % (nx, inf))
    emit("  if (mode == 4 && cmp > 0) return %s(f, -%s);" % (nx, inf))
    emit("  return f;")
    emit("}")
emit("static inline float lava_cvt_double_float(double d, int mode) {")
emit("  float f = (float)d; double b = (double)f;")
emit("  return lava_adjust_float(f, (b > d) - (b < d), mode);")
emit("}")
for s in INTS:
    for d in FLOATS:
        if exact_int_to_float(s, d):
            continue
        bits, sg, _, _ = INTS[s]
        emit("static inline %s lava_cvt_%s_%s(%s x, int mode) {" % (d, s, d, s))
        emit("  %s f = (%s)x;" % (d, d))
        if bits <= 32:  # exact in double
            emit("  double e = (double)x, b = (double)f;")
            emit("  return lava_adjust_%s(f, (b > e) - (b < e), mode);" % d)
        else:
            emit("  int cmp;")
            emit("  if (f >= %s) cmp = 1;" % pow2(d, 63 if sg else 64))
            emit("  else { %s fi = (%s)f; cmp = (fi > x) - (fi < x); }" % (s, s))
            emit("  return lava_adjust_%s(f, cmp, mode);" % d)
        emit("}")
emit("")

count = 0
for dst in TYPES:
    for sat in ([False, True] if dst in INTS else [False]):
        for mode in MODES:
            sname = scalar_name(dst, sat, mode)
            emit("// %s" % sname)
            for src in TYPES:
                emit("OVLC %s %s(%s x) { %s }" % (dst, sname, src, body_scalar(src, dst, sat, mode)))
                count += 1
            for n in WIDTHS[1:]:
                vname = "convert_%s%s%s%s" % (dst, n, "_sat" if sat else "", mode)
                for src in TYPES:
                    emit("OVLC %s%s %s(%s%s x) { %s }" % (dst, n, vname, src, n,
                                                      body_vector(src, dst, n, sat, mode, vname)))
                    count += 1
emit("// %d conversion functions" % count)
print("\n".join(out))
