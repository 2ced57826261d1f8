/*
 * bench_main.h -- the timing harness shared by the rpcgen + libtirpc
 * benchmark peers (nested_bench.c, blobs_bench.c, labels_bench.c).
 *
 * Include it after defining
 *
 *   BENCH_TYPE      the rpcgen type of the record (e.g. nested)
 *   BENCH_XDR       its XDR routine (e.g. xdr_nested)
 *   BENCH_NAME      the program name for messages (e.g. "nested_bench")
 *
 * and a function `static void make_sample(BENCH_TYPE *v)` that fills in the
 * benchmark value (pointing into static storage: it is never freed).  The
 * harness provides main():
 *
 *   PROG encode ITER          encode the sample ITER times
 *   PROG decode ITER          decode the sample's bytes ITER times; each
 *                             decode starts from a zeroed struct and ends
 *                             with xdr_free, as a real C user would
 *   PROG decode-nofree ITER   the same decodes, timing only the decode: the
 *                             results are kept in a batch of BENCH_BATCH
 *                             structs and xdr_free'd outside the timed part
 *   PROG hex                  print the sample's encoding as hex
 *
 * encode/decode/decode-nofree print one line: ns_per_op=<float> bytes=<n>
 * (wall-clock CLOCK_MONOTONIC over the timed loop, after a warm-up of
 * min(ITER, 10000) untimed operations).
 */
#ifndef RXGEN_BENCH_MAIN_H
#define RXGEN_BENCH_MAIN_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rpc/rpc.h>

#include "hexio.h"

#define BENCH_BUF_SIZE 16384
#define BENCH_BATCH 32

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static u_int encode_once(BENCH_TYPE *v, char *buf)
{
    XDR xdrs;
    u_int len;
    xdrmem_create(&xdrs, buf, BENCH_BUF_SIZE, XDR_ENCODE);
    if (!BENCH_XDR(&xdrs, v)) {
        fprintf(stderr, BENCH_NAME ": encode failed\n");
        exit(1);
    }
    len = xdr_getpos(&xdrs);
    xdr_destroy(&xdrs);
    return len;
}

static volatile unsigned long sink;

/* Decodes buf into *out, which it zeroes first (the part timed by both
 * decode modes). */
static void decode_into(char *buf, u_int len, BENCH_TYPE *out)
{
    XDR xdrs;
    memset(out, 0, sizeof(*out));
    xdrmem_create(&xdrs, buf, len, XDR_DECODE);
    if (!BENCH_XDR(&xdrs, out)) {
        fprintf(stderr, BENCH_NAME ": decode failed\n");
        exit(1);
    }
    if (xdr_getpos(&xdrs) != len) {
        fprintf(stderr, BENCH_NAME ": decode left bytes over\n");
        exit(1);
    }
    xdr_destroy(&xdrs);
}

static void decode_free_once(char *buf, u_int len)
{
    BENCH_TYPE out;
    decode_into(buf, len, &out);
    sink += (unsigned long)((unsigned char *)&out)[0];
    xdr_free((xdrproc_t)BENCH_XDR, (char *)&out);
}

/* Decodes n (<= BENCH_BATCH) times into a batch; returns the nanoseconds
 * spent decoding, then frees the batch untimed. */
static double decode_batch(char *buf, u_int len, long n)
{
    static BENCH_TYPE batch[BENCH_BATCH];
    double t0, t1;
    long k;
    t0 = now_ns();
    for (k = 0; k < n; k++)
        decode_into(buf, len, &batch[k]);
    t1 = now_ns();
    for (k = 0; k < n; k++) {
        sink += (unsigned long)((unsigned char *)&batch[k])[0];
        xdr_free((xdrproc_t)BENCH_XDR, (char *)&batch[k]);
    }
    return t1 - t0;
}

static double decode_nofree(char *buf, u_int len, long iter)
{
    double total = 0;
    long done, n;
    for (done = 0; done < iter; done += n) {
        n = iter - done < BENCH_BATCH ? iter - done : BENCH_BATCH;
        total += decode_batch(buf, len, n);
    }
    return total;
}

int main(int argc, char **argv)
{
    static char buf[BENCH_BUF_SIZE];
    static char out[BENCH_BUF_SIZE];
    static BENCH_TYPE v;
    u_int len;
    long iter, i, warm;
    double t0, t1, elapsed;
    const char *mode;

    make_sample(&v);
    len = encode_once(&v, buf);

    if (argc == 2 && strcmp(argv[1], "hex") == 0) {
        hex_print((unsigned char *)buf, len);
        return 0;
    }
    mode = argc == 3 ? argv[1] : "";
    if ((strcmp(mode, "encode") != 0 && strcmp(mode, "decode") != 0 &&
         strcmp(mode, "decode-nofree") != 0) || (iter = atol(argv[2])) <= 0) {
        fprintf(stderr, "usage: %s encode|decode|decode-nofree ITER | hex\n", argv[0]);
        return 2;
    }
    warm = iter < 10000 ? iter : 10000;

    if (strcmp(mode, "encode") == 0) {
        for (i = 0; i < warm; i++)
            sink += encode_once(&v, out);
        t0 = now_ns();
        for (i = 0; i < iter; i++)
            sink += encode_once(&v, out);
        t1 = now_ns();
        elapsed = t1 - t0;
    } else if (strcmp(mode, "decode") == 0) {
        for (i = 0; i < warm; i++)
            decode_free_once(buf, len);
        t0 = now_ns();
        for (i = 0; i < iter; i++)
            decode_free_once(buf, len);
        t1 = now_ns();
        elapsed = t1 - t0;
    } else {
        decode_nofree(buf, len, warm);
        elapsed = decode_nofree(buf, len, iter);
    }
    printf("ns_per_op=%.1f bytes=%u\n", elapsed / (double)iter, len);
    return 0;
}

#endif /* RXGEN_BENCH_MAIN_H */
