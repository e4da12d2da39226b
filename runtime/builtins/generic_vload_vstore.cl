// vloadN/vstoreN and vload_half/vstore_half families for generic pointers
// (OpenCL 2.0). Compiled with -cl-std=CL2.0; __constant loads live in
// vload_vstore.cl (same mangling in both language versions).
#include "vload_impl.h"
LAVA_VLOAD_ALL()
LAVA_VSTORE_ALL()
