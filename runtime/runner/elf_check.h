/* Checks a variant before the loader maps it: code that runs at load time (constructors,
 * IFUNC resolvers) would run before the kernel's filter narrows and outside lava's timing, so a
 * variant holding any is refused. Read from the program headers, as the loader reads it (section
 * headers can be stripped or lie). */
#ifndef LAVA_ELF_CHECK_H
#define LAVA_ELF_CHECK_H

/* NULL when the file at <path> is a shared object for this machine without load-time code, else
 * why not. On success <checked_fd> is the open file that was checked: load that one (through
 * /proc/self/fd), not the path again, which could have been swapped meanwhile. */
const char *elf_check_variant(const char *path, int *checked_fd);
#endif
