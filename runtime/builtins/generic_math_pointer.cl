// fract/modf/sincos/frexp/lgamma_r/remquo for generic out-pointers (OpenCL 2.0).
// Compiled with -cl-std=CL2.0.
#include "math_ptr_impl.h"
LAVA_MATH_PTR()
