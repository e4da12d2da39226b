#define _GNU_SOURCE
#include "elf_check.h"

#include <elf.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_MACHINE EM_X86_64
#define IRELATIVE R_X86_64_IRELATIVE
#elif defined(__aarch64__)
#define NATIVE_MACHINE EM_AARCH64
#define IRELATIVE R_AARCH64_IRELATIVE
#endif

typedef struct image {
    const unsigned char *bytes;
    size_t size;
    const Elf64_Phdr *phdrs;
    unsigned phnum;
} image;

/* A virtual address's bytes in the file, or NULL when no loaded segment holds [addr, addr+len). */
static const void *at(const image *im, uint64_t addr, uint64_t len)
{
    for (unsigned i = 0; i < im->phnum; i++) {
        const Elf64_Phdr *p = &im->phdrs[i];
        if (p->p_type != PT_LOAD || addr < p->p_vaddr || len > p->p_filesz || addr - p->p_vaddr > p->p_filesz - len)
            continue;
        uint64_t offset = p->p_offset + (addr - p->p_vaddr);
        if (offset > im->size || len > im->size - offset)
            return NULL;
        return im->bytes + offset;
    }
    return NULL;
}

/* Symbols in the dynamic symbol table, counted from the GNU hash table (the last chain's end). */
static uint64_t gnu_hash_symbols(const image *im, uint64_t addr)
{
    const uint32_t *h = at(im, addr, 16);
    if (!h)
        return 0;
    uint32_t nbuckets = h[0], symoffset = h[1], bloom = h[2];
    uint64_t buckets_at = addr + 16 + (uint64_t)bloom * 8;
    const uint32_t *buckets = at(im, buckets_at, (uint64_t)nbuckets * 4);
    if (!buckets)
        return 0;
    uint32_t last = 0;
    for (uint32_t i = 0; i < nbuckets; i++)
        if (buckets[i] > last)
            last = buckets[i];
    if (last < symoffset)
        return symoffset;
    uint64_t chains_at = buckets_at + (uint64_t)nbuckets * 4;
    for (uint64_t i = last;; i++) {
        const uint32_t *chain = at(im, chains_at + (i - symoffset) * 4, 4);
        if (!chain)
            return i + 1;
        if (*chain & 1)
            return i + 1;
    }
}

static const char *check(const image *im)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)im->bytes;
    if (im->size < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64)
        return "it is not a 64-bit ELF file";
    if (eh->e_type != ET_DYN || eh->e_machine != NATIVE_MACHINE)
        return "it is not a shared object for this machine";
    if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff > im->size || (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr) > im->size - eh->e_phoff)
        return "its program headers are damaged";
    image m = *im;
    m.phdrs = (const Elf64_Phdr *)(im->bytes + eh->e_phoff);
    m.phnum = eh->e_phnum;
    const Elf64_Phdr *dynamic = NULL;
    for (unsigned i = 0; i < m.phnum; i++) {
        const Elf64_Phdr *p = &m.phdrs[i];
        if (p->p_type == PT_DYNAMIC)
            dynamic = p;
        if (p->p_type == PT_INTERP)
            return "it asks for a program interpreter";
        if (p->p_type != PT_LOAD)
            continue;
        if (p->p_filesz > p->p_memsz || p->p_vaddr + p->p_memsz < p->p_vaddr)
            return "its program headers are damaged";
        /* Overlapping segments: the loader's later mapping would hide what this check read. */
        for (unsigned k = 0; k < i; k++) {
            const Elf64_Phdr *q = &m.phdrs[k];
            if (q->p_type == PT_LOAD && p->p_vaddr < q->p_vaddr + q->p_memsz && q->p_vaddr < p->p_vaddr + p->p_memsz)
                return "its loadable segments overlap";
        }
    }
    /* Read the dynamic array where the loader does: at its address, through the loaded segments
     * (past the file's bytes the memory is zero: DT_NULL). */
    const Elf64_Dyn *dyn = dynamic ? at(&m, dynamic->p_vaddr, dynamic->p_filesz) : NULL;
    if (!dyn || dynamic->p_filesz < sizeof(Elf64_Dyn))
        return "it has no dynamic section";
    size_t count = dynamic->p_filesz / sizeof(Elf64_Dyn);
    uint64_t strtab = 0, strsz = 0, symtab = 0, gnu_hash = 0, hash = 0, rela[2] = {0, 0}, relasz[2] = {0, 0};
    for (size_t i = 0; i < count && dyn[i].d_tag != DT_NULL; i++) {
        switch (dyn[i].d_tag) {
        case DT_INIT:
        case DT_FINI:
            return "it has an initialisation or finalisation function";
        case DT_INIT_ARRAY:
        case DT_FINI_ARRAY:
        case DT_PREINIT_ARRAY:
            return "it has constructors or destructors";
        case DT_REL:
#ifdef DT_RELR
        case DT_RELR:
#endif
            return "it uses a relocation format lava does not check";
        case DT_RPATH:
        case DT_RUNPATH:
            return "it names its own library search path";
        case DT_FILTER:
        case DT_AUXILIARY:
        case DT_AUDIT:
        case DT_DEPAUDIT:
            return "it asks the loader for filter or audit libraries";
        case DT_STRTAB: strtab = dyn[i].d_un.d_ptr; break;
        case DT_STRSZ: strsz = dyn[i].d_un.d_val; break;
        case DT_SYMTAB: symtab = dyn[i].d_un.d_ptr; break;
        case DT_GNU_HASH: gnu_hash = dyn[i].d_un.d_ptr; break;
        case DT_HASH: hash = dyn[i].d_un.d_ptr; break;
        case DT_RELA: rela[0] = dyn[i].d_un.d_ptr; break;
        case DT_RELASZ: relasz[0] = dyn[i].d_un.d_val; break;
        case DT_JMPREL: rela[1] = dyn[i].d_un.d_ptr; break;
        case DT_PLTRELSZ: relasz[1] = dyn[i].d_un.d_val; break;
        }
    }
    /* Only the C library's parts a variant links (libc, libm, libmvec, the loader): no other library's
     * constructors run when it is loaded. */
    const char *strings = strsz ? at(&m, strtab, strsz) : NULL;
    for (size_t i = 0; i < count && dyn[i].d_tag != DT_NULL; i++) {
        if (dyn[i].d_tag != DT_NEEDED)
            continue;
        uint64_t offset = dyn[i].d_un.d_val;
        if (!strings || offset >= strsz || !memchr(strings + offset, 0, strsz - offset))
            return "its library list is damaged";
        const char *name = strings + offset;
        static const char *const allowed[] = {"libc.so.6", "libm.so.6", "libmvec.so.1", "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"};
        int known = 0;
        for (size_t k = 0; k < sizeof allowed / sizeof allowed[0]; k++)
            known |= !strcmp(name, allowed[k]);
        if (!known)
            return "it links a library other than the C library's (libc, libm, libmvec, the loader)";
    }
    uint64_t symbols = 0;
    if (hash) {
        const uint32_t *h = at(&m, hash, 8);
        symbols = h ? h[1] : 0;
    }
    if (gnu_hash) {
        uint64_t n = gnu_hash_symbols(&m, gnu_hash);
        symbols = n > symbols ? n : symbols;
    }
    const Elf64_Sym *syms = NULL;
    if (symtab && symbols) {
        if (symbols > im->size / sizeof(Elf64_Sym) || !(syms = at(&m, symtab, symbols * sizeof(Elf64_Sym))))
            return "its symbol table is damaged";
        for (uint64_t i = 0; i < symbols; i++)
            if (ELF64_ST_TYPE(syms[i].st_info) == STT_GNU_IFUNC)
                return "it defines an IFUNC symbol (code that runs when it is loaded)";
    }
    for (int t = 0; t < 2; t++) {
        if (!relasz[t])
            continue;
        const Elf64_Rela *r = at(&m, rela[t], relasz[t]);
        if (!r)
            return "its relocations are damaged";
        for (uint64_t i = 0; i < relasz[t] / sizeof(Elf64_Rela); i++) {
            if (ELF64_R_TYPE(r[i].r_info) == IRELATIVE)
                return "it has IRELATIVE relocations (code that runs when it is loaded)";
            /* Every symbol a relocation names must be one the check above has seen. */
            uint64_t sym = ELF64_R_SYM(r[i].r_info);
            if (sym && (!syms || sym >= symbols))
                return "a relocation names a symbol outside its symbol table";
        }
    }
    return NULL;
}

const char *elf_check_variant(const char *path, int *checked_fd)
{
    *checked_fd = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return "it cannot be opened";
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size < (off_t)sizeof(Elf64_Ehdr)) {
        close(fd);
        return "it is not a regular file of ELF size";
    }
    void *bytes = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (bytes == MAP_FAILED) {
        close(fd);
        return "it cannot be read";
    }
    image im = {bytes, (size_t)st.st_size, NULL, 0};
    const char *why = check(&im);
    munmap(bytes, (size_t)st.st_size);
    if (why)
        close(fd);
    else
        *checked_fd = fd;
    return why;
}
