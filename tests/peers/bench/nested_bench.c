/*
 * nested_bench.c -- C baseline for XDR encode/decode speed of nested.x,
 * using rpcgen's xdr_nested over libtirpc's xdrmem stream.
 *
 *   nested_bench encode|decode|decode-nofree ITER | hex
 *
 * (the modes and the output are described in bench_main.h).
 */
#include <stdint.h>
#include <string.h>

#include "nested.h"

#define NB_LIST 32

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

#define BENCH_TYPE nested
#define BENCH_XDR xdr_nested
#define BENCH_NAME "nested_bench"
#include "bench_main.h"
