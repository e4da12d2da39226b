/* A minimal user-space context switch: saves the callee-saved registers on the current stack,
 * stores the stack pointer in *save_sp and resumes the context whose stack pointer is new_sp.
 * ucontext costs two signal-mask syscalls per switch; this costs a few nanoseconds. */
#ifndef LAVA_FIBER_SWITCH_H
#define LAVA_FIBER_SWITCH_H
#include <stddef.h>

void lava_ctx_switch(void **save_sp, void *new_sp);
/* Prepares a fresh stack [base, base+size) so that switching to the returned stack pointer
 * calls entry(arg). entry must never return. */
void *lava_ctx_prepare(char *base, size_t size, void (*entry)(void *), void *arg);
#endif
