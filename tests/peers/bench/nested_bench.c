/*
 * nested_bench.c -- C baseline for XDR encode/decode speed of nested.x,
 * using rpcgen's xdr_nested over libtirpc's xdrmem stream.
 *
 *   nested_bench encode ITER   encode the sample ITER times
 *   nested_bench decode ITER   decode the sample's bytes ITER times; each
 *                              decode starts from a zeroed struct and ends
 *                              with xdr_free, as a real C user would
 *   nested_bench hex           print the sample's encoding as hex
 *
 * encode/decode print one line: ns_per_op=<float> bytes=<n>
 * (wall-clock CLOCK_MONOTONIC over the timed loop, after a warm-up of
 * min(ITER, 10000) untimed operations).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rpc/rpc.h>

#include "nested.h"
#include "hexio.h"

#define NB_LIST 32
#define BUF_SIZE 8192

static nb_item items[NB_NITEMS];
static nb_node nodes[NB_LIST];

/* The benchmark value; see SAMPLES.md ("nested benchmark sample"). */
static void make_sample(nested *n)
{
    int i;
    memset(n, 0, sizeof(*n));
    n->revision = 3;
    n->flags = 0xa5a5a5a5u;
    n->created = 1700000000123456789LL;
    n->size = 0x00000001fffffffeULL;
    n->meta.a = -17;
    n->meta.b = 4000000000u;
    n->meta.c = -9000000000LL;
    n->meta.enabled = TRUE;
    for (i = 0; i < NB_NFIXED; i++)
        n->fixed[i] = (i + 1) * 11 - 40;          /* -29, -18, ..., 48 */
    for (i = 0; i < NB_NITEMS; i++) {
        items[i].id = 1000 + i;
        items[i].flags = 1u << i;
    }
    n->items.items_len = NB_NITEMS;
    n->items.items_val = items;
    n->name = "benchmark-record-001";               /* 20 chars */
    n->owner = "user.admin@TEST.CELL";              /* 20 chars */
    for (i = 0; i < NB_LIST; i++) {
        nodes[i].value = i * 3 - 7;
        nodes[i].stamp = 1700000000000000000LL + (int64_t)i * 1000;
        nodes[i].next = (i + 1 < NB_LIST) ? &nodes[i + 1] : NULL;
    }
    n->list = &nodes[0];
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static u_int encode_once(nested *n, char *buf)
{
    XDR xdrs;
    u_int len;
    xdrmem_create(&xdrs, buf, BUF_SIZE, XDR_ENCODE);
    if (!xdr_nested(&xdrs, n)) {
        fprintf(stderr, "xdr_nested encode failed\n");
        exit(1);
    }
    len = xdr_getpos(&xdrs);
    xdr_destroy(&xdrs);
    return len;
}

static volatile unsigned long sink;

static void decode_once(char *buf, u_int len)
{
    XDR xdrs;
    nested out;
    memset(&out, 0, sizeof(out));
    xdrmem_create(&xdrs, buf, len, XDR_DECODE);
    if (!xdr_nested(&xdrs, &out)) {
        fprintf(stderr, "xdr_nested decode failed\n");
        exit(1);
    }
    xdr_destroy(&xdrs);
    sink += (unsigned long)out.revision + out.items.items_len;
    xdr_free((xdrproc_t)xdr_nested, (char *)&out);
}

int main(int argc, char **argv)
{
    static char buf[BUF_SIZE];
    nested n;
    u_int len;
    long iter, i, warm;
    double t0, t1;
    int enc;

    make_sample(&n);
    len = encode_once(&n, buf);

    if (argc == 2 && strcmp(argv[1], "hex") == 0) {
        hex_print((unsigned char *)buf, len);
        return 0;
    }
    if (argc != 3 || (strcmp(argv[1], "encode") != 0 && strcmp(argv[1], "decode") != 0)
        || (iter = atol(argv[2])) <= 0) {
        fprintf(stderr, "usage: %s encode|decode ITER | hex\n", argv[0]);
        return 2;
    }
    enc = strcmp(argv[1], "encode") == 0;
    warm = iter < 10000 ? iter : 10000;

    if (enc) {
        static char out[BUF_SIZE];
        for (i = 0; i < warm; i++)
            sink += encode_once(&n, out);
        t0 = now_ns();
        for (i = 0; i < iter; i++)
            sink += encode_once(&n, out);
        t1 = now_ns();
    } else {
        for (i = 0; i < warm; i++)
            decode_once(buf, len);
        t0 = now_ns();
        for (i = 0; i < iter; i++)
            decode_once(buf, len);
        t1 = now_ns();
    }
    printf("ns_per_op=%.1f bytes=%u\n", (t1 - t0) / (double)iter, len);
    return 0;
}
