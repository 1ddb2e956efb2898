/* The plain scalar C loop a careful programmer would write for combined logs: per line, find the request's
 * opening quote, walk to its closing quote (a backslash escapes the next byte: Apache \" and \\, nginx \xHH),
 * then take the token after it as the status. Byte at a time, no SIMD, no parsing of any other field.
 *
 *     status_scalar FILE   prints {"lines": N, "codes": {"200": n, ...}, "other": n}
 *
 * "codes" counts three-digit tokens 100-599; "other" every non-blank line without one (bad status, not a
 * log line). It is the baseline logcodes's parser is measured against, and is checked against the truth. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { BUF = 1 << 20, MAX_LINE = 1 << 24 };

static unsigned long long codes[600], other, lines;

static void line(const char *p, const char *end) {
    lines++;
    if (p == end) return; /* blank: not a record */
    while (p < end && *p != '"') p++;
    if (p == end) goto bad;
    p++;
    while (p < end && *p != '"') p += (*p == '\\') ? 2 : 1;
    if (p >= end) goto bad;
    p++;
    if (end - p < 4 || p[0] != ' ') goto bad;
    if (p[1] < '1' || p[1] > '5' || p[2] < '0' || p[2] > '9' || p[3] < '0' || p[3] > '9') goto bad;
    if (end - p > 4 && p[4] != ' ') goto bad;
    codes[(p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0')]++;
    return;
bad:
    other++;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE\n", argv[0]);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0) {
        fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
        return 1;
    }
    /* A line is carried to the front of the buffer when a read cuts it; the buffer grows for long lines. */
    size_t cap = BUF, have = 0;
    char *buf = malloc(cap);
    if (!buf) return 1;
    for (;;) {
        if (cap - have < BUF / 2) {
            if (cap >= MAX_LINE * 2) {
                fprintf(stderr, "%s: a line longer than %d bytes\n", argv[1], MAX_LINE);
                return 1;
            }
            cap *= 2;
            buf = realloc(buf, cap);
            if (!buf) return 1;
        }
        ssize_t n = read(fd, buf + have, cap - have);
        if (n < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
            return 1;
        }
        if (n == 0) break;
        have += (size_t)n;
        char *p = buf, *end = buf + have, *nl;
        while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
            line(p, nl);
            p = nl + 1;
        }
        have = (size_t)(end - p);
        memmove(buf, p, have);
    }
    if (have) line(buf, buf + have);
    close(fd);
    free(buf);
    printf("{\"lines\": %llu, \"codes\": {", lines);
    const char *sep = "";
    for (int c = 100; c < 600; c++) {
        if (codes[c]) {
            printf("%s\"%d\": %llu", sep, c, codes[c]);
            sep = ", ";
        }
    }
    printf("}, \"other\": %llu}\n", other);
    return 0;
}
