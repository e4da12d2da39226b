// vloadN/vstoreN and vload_half/vstore_half families for the OpenCL 1.2 named
// address spaces (__global, __local, __constant (loads only), private).
#include "vload_impl.h"
LAVA_VLOAD_ALL(__global)
LAVA_VLOAD_ALL(__local)
LAVA_VLOAD_ALL(__constant)
LAVA_VLOAD_ALL()
LAVA_VSTORE_ALL(__global)
LAVA_VSTORE_ALL(__local)
LAVA_VSTORE_ALL()
