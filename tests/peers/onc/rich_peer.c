/*
 * rich_peer.c -- byte-exact XDR reference for tests/peers/onc/rich.x,
 * using rpcgen's xdr_rich and libtirpc's xdrmem stream.
 *
 *   rich_peer encode N   print the hex of sample N (1..RICH_NSAMPLES)
 *   rich_peer decode     read hex on stdin, decode with xdr_rich, encode
 *                        the result again and print its hex; exit 1 with
 *                        a message if decoding fails or bytes are left
 *   rich_peer count      print the number of samples
 *
 * The sample values are documented field by field in ../SAMPLES.md;
 * keep the two in step.
 */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rpc/rpc.h>

#include "rich.h"
#include "hexio.h"

#define RICH_NSAMPLES 5
#define ENCODE_BUF (1u << 20)

/* Builds a list of n nodes from parallel arrays (static storage). */
static node *make_list(node *storage, const int *values, char **tags, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        storage[i].value = values[i];
        storage[i].tag = tags[i];
        storage[i].next = (i + 1 < n) ? &storage[i + 1] : NULL;
    }
    return n > 0 ? &storage[0] : NULL;
}

/* Fills *r with sample n; every pointer refers to static storage. */
static int make_sample(int n, rich *r)
{
    static char var1[] = { (char)0xde, (char)0xad, (char)0xbe, (char)0xef, 0x42 };
    static point pts1[] = { { 1, 2 }, { -3, 4 }, { 5, -6 } };
    static node nodes1[3];
    static const int vals1[] = { 10, 20, 30 };
    static char *tags1[] = { "a", "bb", "" };

    static char var3[16];
    static point pts3[8];
    static node nodes3[12];
    static int vals3[12];
    static char tagbuf3[12][8];
    static char *tags3[12];

    static point pts4[] = { { 0, 0 } };
    static char var4[] = { 0x00 };
    static node nodes4[1];
    static const int vals4[] = { -1 };
    static char *tags4[] = { "12345678" };

    int i;

    memset(r, 0, sizeof(*r));
    switch (n) {
    case 1: /* typical values */
        r->i32 = 42;
        r->u32 = 3000000000u;
        r->i64 = 1234567890123LL;
        r->u64 = 0x0123456789abcdefULL;
        r->flag = TRUE;
        r->col = BLUE;
        r->f32 = 1.5f;
        r->f64 = -2.25;
        r->i16 = -2;
        r->u16 = 40000;
        r->c8 = 'A';
        r->u8 = 200;
        memcpy(r->fixed, "\x01\x02\x03\x04\x05", 5);
        r->var.var_len = sizeof(var1);
        r->var.var_val = var1;
        r->str = "hello, rich";
        r->arr[0] = 1; r->arr[1] = -1; r->arr[2] = 2147483647;
        r->pts.pts_len = 3;
        r->pts.pts_val = pts1;
        r->count = 7;
        r->head = make_list(nodes1, vals1, tags1, 3);
        r->pick.kind = 2;
        r->pick.choice_u.x = 99;
        return 0;

    case 2: /* extremes, empty things, NULL list, void arm */
        r->i32 = INT_MIN;
        r->u32 = UINT_MAX;
        r->i64 = INT64_MIN;
        r->u64 = UINT64_MAX;
        r->flag = FALSE;
        r->col = BLACK;
        r->f32 = -0.0f;
        r->f64 = -INFINITY;
        r->i16 = SHRT_MIN;
        r->u16 = USHRT_MAX;
        r->c8 = (char)-128;
        r->u8 = 255;
        memset(r->fixed, 0xff, 5);
        r->var.var_len = 0;
        r->var.var_val = NULL;
        r->str = "";
        r->arr[0] = INT_MIN; r->arr[1] = 0; r->arr[2] = INT_MAX;
        r->pts.pts_len = 0;
        r->pts.pts_val = NULL;
        r->count = UINT_MAX;
        r->head = NULL;
        r->pick.kind = 3;
        return 0;

    case 3: /* full arrays, maximal string, a 12-node list, default arm */
        r->i32 = -123456789;
        r->u32 = 0x80000000u;
        r->i64 = -2LL;
        r->u64 = 0x8000000000000000ULL;
        r->flag = TRUE;
        r->col = GREEN;
        r->f32 = 0.1f;
        r->f64 = 0.1;
        r->i16 = SHRT_MAX;
        r->u16 = 0;
        r->c8 = 'z';
        r->u8 = 0;
        memcpy(r->fixed, "AFS\0X", 5);
        for (i = 0; i < 16; i++) var3[i] = (char)i;
        r->var.var_len = 16;
        r->var.var_val = var3;
        r->str = "abcdefghijklmnopqrstuvwxyz012345"; /* 32 = max */
        r->arr[0] = 100; r->arr[1] = 200; r->arr[2] = 300;
        for (i = 0; i < 8; i++) { pts3[i].x = i; pts3[i].y = -i * 1000; }
        r->pts.pts_len = 8;
        r->pts.pts_val = pts3;
        r->count = 12;
        for (i = 0; i < 12; i++) {
            vals3[i] = i * i - 50;
            snprintf(tagbuf3[i], sizeof(tagbuf3[i]), "n%d", i);
            tags3[i] = tagbuf3[i];
        }
        r->head = make_list(nodes3, vals3, tags3, 12);
        r->pick.kind = -7;
        r->pick.choice_u.other = 0xfedcba9876543210ULL;
        return 0;

    case 4: /* string arm of the union; 1-byte opaque; 8-char tag */
        r->i32 = 1;
        r->u32 = 1;
        r->i64 = 1;
        r->u64 = 1;
        r->flag = TRUE;
        r->col = RED;
        r->f32 = 1.0f;
        r->f64 = 1.0;
        r->i16 = 1;
        r->u16 = 1;
        r->c8 = 1;
        r->u8 = 1;
        memcpy(r->fixed, "\x00\x00\x00\x00\x01", 5);
        r->var.var_len = 1;
        r->var.var_val = var4;
        r->str = "x";
        r->arr[0] = 0; r->arr[1] = 0; r->arr[2] = 1;
        r->pts.pts_len = 1;
        r->pts.pts_val = pts4;
        r->count = 1;
        r->head = make_list(nodes4, vals4, tags4, 1);
        r->pick.kind = 4;
        r->pick.choice_u.text = "union text arm";
        return 0;

    case 5: /* all zero except the first shared union label */
        r->pick.kind = 1;
        r->pick.choice_u.x = -1;
        r->str = "";
        return 0;
    }
    return -1;
}

/* Encodes *r into buf; returns the length or -1. */
static long encode(rich *r, char *buf, unsigned int cap)
{
    XDR xdrs;
    long len;
    xdrmem_create(&xdrs, buf, cap, XDR_ENCODE);
    if (!xdr_rich(&xdrs, r)) {
        xdr_destroy(&xdrs);
        return -1;
    }
    len = (long)xdr_getpos(&xdrs);
    xdr_destroy(&xdrs);
    return len;
}

static int cmd_encode(int n)
{
    rich r;
    char *buf = malloc(ENCODE_BUF);
    long len;

    if (make_sample(n, &r) != 0) {
        fprintf(stderr, "encode: no sample %d (1..%d)\n", n, RICH_NSAMPLES);
        return 2;
    }
    len = encode(&r, buf, ENCODE_BUF);
    if (len < 0) {
        fprintf(stderr, "encode: xdr_rich failed for sample %d\n", n);
        return 1;
    }
    hex_print((unsigned char *)buf, (size_t)len);
    free(buf);
    return 0;
}

static int cmd_decode(void)
{
    size_t inlen;
    unsigned char *in = hex_read_stdin(&inlen);
    char *out;
    XDR xdrs;
    rich r;
    long len;
    u_int used;

    if (in == NULL)
        return 1;
    memset(&r, 0, sizeof(r));
    xdrmem_create(&xdrs, (char *)in, (u_int)inlen, XDR_DECODE);
    if (!xdr_rich(&xdrs, &r)) {
        fprintf(stderr, "decode: xdr_rich failed (%zu input bytes)\n", inlen);
        xdr_destroy(&xdrs);
        xdr_free((xdrproc_t)xdr_rich, (char *)&r);
        return 1;
    }
    used = xdr_getpos(&xdrs);
    xdr_destroy(&xdrs);
    if (used != inlen) {
        fprintf(stderr, "decode: %zu trailing bytes after the record\n",
                inlen - used);
        xdr_free((xdrproc_t)xdr_rich, (char *)&r);
        return 1;
    }
    out = malloc(ENCODE_BUF);
    len = encode(&r, out, ENCODE_BUF);
    xdr_free((xdrproc_t)xdr_rich, (char *)&r);
    if (len < 0) {
        fprintf(stderr, "decode: re-encoding failed\n");
        return 1;
    }
    hex_print((unsigned char *)out, (size_t)len);
    free(out);
    free(in);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "encode") == 0)
        return cmd_encode(atoi(argv[2]));
    if (argc == 2 && strcmp(argv[1], "decode") == 0)
        return cmd_decode();
    if (argc == 2 && strcmp(argv[1], "count") == 0) {
        printf("%d\n", RICH_NSAMPLES);
        return 0;
    }
    fprintf(stderr, "usage: %s encode N | decode | count\n", argv[0]);
    return 2;
}
