/*
 * hexio.h -- hex helpers shared by RxGen's C XDR peers (header-only).
 *
 * Output format everywhere: lowercase hex, no separators, one line.
 * Input: hex digits in either case; whitespace is ignored.
 */
#ifndef RXGEN_PEERS_HEXIO_H
#define RXGEN_PEERS_HEXIO_H

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void hex_print(const unsigned char *buf, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < len; i++) {
        putchar(digits[buf[i] >> 4]);
        putchar(digits[buf[i] & 0xf]);
    }
    putchar('\n');
    fflush(stdout);
}

static inline int hex_nibble(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads all of stdin as hex.  Returns a malloc'd buffer (never NULL on
 * success, even for empty input) and its length via *lenp; on a bad
 * character or an odd digit count prints a message and returns NULL. */
static inline unsigned char *hex_read_stdin(size_t *lenp)
{
    size_t cap = 4096, len = 0;
    unsigned char *out = malloc(cap);
    int c, hi = -1;

    if (out == NULL) { fprintf(stderr, "out of memory\n"); return NULL; }
    while ((c = getchar()) != EOF) {
        int v;
        if (isspace(c)) continue;
        v = hex_nibble(c);
        if (v < 0) {
            fprintf(stderr, "decode: invalid hex character '%c'\n", c);
            free(out);
            return NULL;
        }
        if (hi < 0) { hi = v; continue; }
        if (len == cap) {
            unsigned char *n = realloc(out, cap *= 2);
            if (n == NULL) { fprintf(stderr, "out of memory\n"); free(out); return NULL; }
            out = n;
        }
        out[len++] = (unsigned char)((hi << 4) | v);
        hi = -1;
    }
    if (hi >= 0) {
        fprintf(stderr, "decode: odd number of hex digits\n");
        free(out);
        return NULL;
    }
    *lenp = len;
    return out;
}

#endif /* RXGEN_PEERS_HEXIO_H */
