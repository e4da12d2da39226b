// fract/modf/sincos/frexp/lgamma_r/remquo for __global, __local and private
// out-pointers (OpenCL 1.2 named address spaces).
#include "math_ptr_impl.h"
LAVA_MATH_PTR(__global)
LAVA_MATH_PTR(__local)
LAVA_MATH_PTR()
