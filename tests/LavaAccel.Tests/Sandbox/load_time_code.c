/* Variants with code that runs when they are loaded (before the kernel's filter narrows, outside
 * lava's timing): a constructor or an IFUNC resolver. The worker must refuse them before loading.
 * Each leaves a marker file in its working directory (the job directory) if it ever runs. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

static void mark(void)
{
    int fd = open("load-time-code-ran", O_WRONLY | O_CREAT, 0644);
    if (fd >= 0)
        close(fd);
}

#ifdef WITH_CONSTRUCTOR
__attribute__((constructor)) static void at_load(void) { mark(); }
__attribute__((visibility("default"))) void __lava_wg_k(void **args, void *wg) { (void)args; (void)wg; }
#else
static void real_k(void **args, void *wg) { (void)args; (void)wg; }
static void *resolve_k(void) { mark(); return (void *)real_k; }
__attribute__((visibility("default"), ifunc("resolve_k"))) void __lava_wg_k(void **args, void *wg);
#endif
