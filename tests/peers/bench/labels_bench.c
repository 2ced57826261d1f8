/*
 * labels_bench.c -- C baseline for XDR encode/decode speed of labels.x (a
 * string-labelled optional-data list), using rpcgen's xdr_labels over
 * libtirpc's xdrmem.
 *
 *   labels_bench encode|decode|decode-nofree ITER | hex
 *
 * (the modes and the output are described in bench_main.h).  The sample is
 * built the same way by tests/RxGen.Benchmarks/LabelsSample.cs.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "labels.h"

#define LL_NODES 64

static ll_node nodes[LL_NODES];
static char text[LL_NODES][LL_LABELMAX + 1];

/* Node i: label "label-<i>-" followed by the first i % 11 letters of
 * "abcdefghijk", weight (7 i) mod 23 - 5. */
static void make_sample(labels *l)
{
    static const char letters[] = "abcdefghijk";
    int i;
    memset(l, 0, sizeof(*l));
    l->generation = 7;
    for (i = 0; i < LL_NODES; i++) {
        snprintf(text[i], sizeof(text[i]), "label-%d-%.*s", i, i % 11, letters);
        nodes[i].label = text[i];
        nodes[i].weight = (i * 7) % 23 - 5;
        nodes[i].next = (i + 1 < LL_NODES) ? &nodes[i + 1] : NULL;
    }
    l->head = &nodes[0];
}

#define BENCH_TYPE labels
#define BENCH_XDR xdr_labels
#define BENCH_NAME "labels_bench"
#include "bench_main.h"
