#define _GNU_SOURCE
#include "report.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* Where reports go: stdout until report_keep_channel moves it. */
static int g_report_fd = STDOUT_FILENO;

void report_keep_channel(void)
{
    int fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 64);
    if (fd >= 0) {
        g_report_fd = fd;
        dup2(STDERR_FILENO, STDOUT_FILENO);
    }
}

static void put(report *r, const char *s)
{
    while (*s && r->len < sizeof r->text - 4)
        r->text[r->len++] = *s++;
}

static void put_u64(report *r, uint64_t v)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n && r->len < sizeof r->text - 4)
        r->text[r->len++] = digits[--n];
}

static void put_key(report *r, const char *key)
{
    put(r, ",\"");
    put(r, key);
    put(r, "\":");
}

void report_begin(report *r, const char *status)
{
    r->len = 0;
    put(r, "{\"status\":\"");
    put(r, status);
    put(r, "\"");
}

void report_str(report *r, const char *key, const char *value)
{
    static const char hex[] = "0123456789abcdef";
    put_key(r, key);
    put(r, "\"");
    for (const unsigned char *c = (const unsigned char *)value; *c && r->len < sizeof r->text - 10; c++) {
        if (*c == '"' || *c == '\\') {
            r->text[r->len++] = '\\';
            r->text[r->len++] = (char)*c;
        } else if (*c < 0x20) {
            put(r, "\\u00");
            r->text[r->len++] = hex[*c >> 4];
            r->text[r->len++] = hex[*c & 15];
        } else {
            r->text[r->len++] = (char)*c;
        }
    }
    put(r, "\"");
}

void report_u64(report *r, const char *key, uint64_t value)
{
    put_key(r, key);
    put_u64(r, value);
}

void report_raw(report *r, const char *key, const char *json)
{
    put_key(r, key);
    put(r, json);
}

static int g_status_fd = -1;

void report_open_status(void)
{
    g_status_fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
}

/* VmHWM in KiB from /proc/self/status, or 0. */
static uint64_t peak_rss_kb(void)
{
    static char text[4096];
    if (g_status_fd < 0)
        return 0;
    ssize_t n = pread(g_status_fd, text, sizeof text - 1, 0);
    if (n <= 0)
        return 0;
    text[n] = 0;
    for (char *p = text; *p; p++) {
        if (p[0] == 'V' && p[1] == 'm' && p[2] == 'H' && p[3] == 'W' && p[4] == 'M' && p[5] == ':') {
            uint64_t kb = 0;
            for (p += 6; *p == ' ' || *p == '\t'; p++)
                ;
            for (; *p >= '0' && *p <= '9'; p++)
                kb = kb * 10 + (uint64_t)(*p - '0');
            return kb;
        }
    }
    return 0;
}

void report_finish(report *r)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    uint64_t peak = peak_rss_kb();
    put(r, ",\"usage\":{\"user_us\":");
    put_u64(r, (uint64_t)ru.ru_utime.tv_sec * 1000000u + (uint64_t)ru.ru_utime.tv_usec);
    put(r, ",\"sys_us\":");
    put_u64(r, (uint64_t)ru.ru_stime.tv_sec * 1000000u + (uint64_t)ru.ru_stime.tv_usec);
    put(r, ",\"max_rss_kb\":");
    put_u64(r, peak ? peak : (uint64_t)ru.ru_maxrss);
    put(r, "}}\n");
    size_t off = 0;
    while (off < r->len) {
        ssize_t n = write(g_report_fd, r->text + off, r->len - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
}

uint64_t monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
