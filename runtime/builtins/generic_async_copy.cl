// wait_group_events with a generic event_t pointer: the OpenCL C 2.0 form, which
// clang-15 with -fdeclare-opencl-builtins also uses for OpenCL C 1.2 kernels.
// The copies themselves (named address spaces only) are in async_copy.cl.
#include "lava_builtins.h"

OVL void wait_group_events(int num_events, event_t *event_list) {
  barrier(CLK_LOCAL_MEM_FENCE | CLK_GLOBAL_MEM_FENCE);
}
