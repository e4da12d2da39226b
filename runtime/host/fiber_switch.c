#include "fiber_switch.h"
#include <stdint.h>

#if defined(__x86_64__)
__asm__(
    ".text\n"
    ".globl lava_ctx_switch\n"
    ".hidden lava_ctx_switch\n"
    ".type lava_ctx_switch,@function\n"
    "lava_ctx_switch:\n"
    "  pushq %rbp\n  pushq %rbx\n  pushq %r12\n  pushq %r13\n  pushq %r14\n  pushq %r15\n"
    "  movq %rsp, (%rdi)\n"
    "  movq %rsi, %rsp\n"
    "  popq %r15\n  popq %r14\n  popq %r13\n  popq %r12\n  popq %rbx\n  popq %rbp\n"
    "  ret\n"
    ".size lava_ctx_switch, .-lava_ctx_switch\n"
    ".type lava_fiber_start,@function\n"
    "lava_fiber_start:\n"
    "  movq %r12, %rdi\n"
    "  callq *%r13\n"
    "  ud2\n"
    ".size lava_fiber_start, .-lava_fiber_start\n");

extern char lava_fiber_start[];

void *lava_ctx_prepare(char *base, size_t size, void (*entry)(void *), void *arg)
{
    uintptr_t top = ((uintptr_t)(base + size)) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)(top - 24);
    sp[0] = (uint64_t)(uintptr_t)lava_fiber_start; /* popped by ret: leaves rsp 16-aligned */
    sp -= 6;
    sp[0] = 0;                          /* r15 */
    sp[1] = 0;                          /* r14 */
    sp[2] = (uint64_t)(uintptr_t)entry; /* r13 */
    sp[3] = (uint64_t)(uintptr_t)arg;   /* r12 */
    sp[4] = 0;                          /* rbx */
    sp[5] = 0;                          /* rbp */
    return sp;
}

#elif defined(__aarch64__)
__asm__(
    ".text\n"
    ".globl lava_ctx_switch\n"
    ".hidden lava_ctx_switch\n"
    ".type lava_ctx_switch,%function\n"
    "lava_ctx_switch:\n"
    "  sub sp, sp, #160\n"
    "  stp x19, x20, [sp, #0]\n  stp x21, x22, [sp, #16]\n  stp x23, x24, [sp, #32]\n"
    "  stp x25, x26, [sp, #48]\n  stp x27, x28, [sp, #64]\n  stp x29, x30, [sp, #80]\n"
    "  stp d8, d9, [sp, #96]\n  stp d10, d11, [sp, #112]\n  stp d12, d13, [sp, #128]\n  stp d14, d15, [sp, #144]\n"
    "  mov x2, sp\n  str x2, [x0]\n  mov sp, x1\n"
    "  ldp x19, x20, [sp, #0]\n  ldp x21, x22, [sp, #16]\n  ldp x23, x24, [sp, #32]\n"
    "  ldp x25, x26, [sp, #48]\n  ldp x27, x28, [sp, #64]\n  ldp x29, x30, [sp, #80]\n"
    "  ldp d8, d9, [sp, #96]\n  ldp d10, d11, [sp, #112]\n  ldp d12, d13, [sp, #128]\n  ldp d14, d15, [sp, #144]\n"
    "  add sp, sp, #160\n"
    "  ret\n"
    ".size lava_ctx_switch, .-lava_ctx_switch\n"
    ".type lava_fiber_start,%function\n"
    "lava_fiber_start:\n"
    "  mov x0, x19\n"
    "  blr x20\n"
    "  brk #0\n"
    ".size lava_fiber_start, .-lava_fiber_start\n");

extern char lava_fiber_start[];

void *lava_ctx_prepare(char *base, size_t size, void (*entry)(void *), void *arg)
{
    uintptr_t top = ((uintptr_t)(base + size)) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)(top - 160);
    for (int i = 0; i < 20; i++) sp[i] = 0;
    sp[0] = (uint64_t)(uintptr_t)arg;              /* x19 */
    sp[1] = (uint64_t)(uintptr_t)entry;            /* x20 */
    sp[11] = (uint64_t)(uintptr_t)lava_fiber_start; /* x30: where ret goes */
    return sp;
}
#else
#error "lava fibers: unsupported architecture"
#endif
