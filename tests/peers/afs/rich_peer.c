/*
 * rich_peer.c -- byte-exact XDR reference for tests/peers/afs/rich.xg,
 * using OpenAFS rxgen's xdr_ar_rich and libafsrpc's xdrmem stream.
 *
 *   rich_afs_peer encode N   print the hex of sample N (1..AR_NSAMPLES)
 *   rich_afs_peer decode     read hex on stdin, decode with xdr_ar_rich,
 *                            encode again and print the hex; exit 1 with a
 *                            message if decoding fails or bytes are left
 *   rich_afs_peer count      print the number of samples
 *
 * Sample values are documented field by field in ../SAMPLES.md; keep the
 * two in step.
 */
#include <afsconfig.h>
#include <afs/param.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rx/xdr.h>

#include "rich.h"
#include "hexio.h"

#define AR_NSAMPLES 4
#define ENCODE_BUF (1u << 20)

static ar_node *make_list(ar_node *storage, const afs_int32 *values,
                          char **labels, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        storage[i].value = values[i];
        storage[i].label = labels[i];
        storage[i].next = (i + 1 < n) ? &storage[i + 1] : NULL;
    }
    return n > 0 ? &storage[0] : NULL;
}

static void set_uuid(afsUUID *u, afs_uint32 tl, afs_uint16 tm, afs_uint16 th,
                     unsigned char csh, unsigned char csl,
                     const unsigned char node[6])
{
    int i;
    u->time_low = tl;
    u->time_mid = tm;
    u->time_hi_and_version = th;
    u->clock_seq_hi_and_reserved = (char)csh;
    u->clock_seq_low = (char)csl;
    for (i = 0; i < 6; i++)
        u->node[i] = (char)node[i];
}

static int make_sample(int n, ar_rich *r)
{
    static char o1[] = { 0x01, 0x02, 0x03 };
    static ar_pair pairs1[] = { { 1, 100 }, { -2, 4000000000u } };
    static ar_node nodes1[3];
    static const afs_int32 vals1[] = { 7, 8, 9 };
    static char *labels1[] = { "one", "two", "three" };
    static const unsigned char node1[6] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };

    static const unsigned char node2[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

    static char o3[10];
    static ar_pair pairs3[4];
    static ar_node nodes3[10];
    static afs_int32 vals3[10];
    static char labbuf3[10][9];
    static char *labels3[10];
    static const unsigned char node3[6] = { 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x80 };
    static char s3[65];

    int i;

    memset(r, 0, sizeof(*r));
    switch (n) {
    case 1: /* typical values, int arm */
        memcpy(r->name, "vol.a\0\0\0", 8);
        r->i64 = 1234567890123LL;
        r->u64 = 0x0123456789abcdefULL;
        r->i32 = -42;
        r->u32 = 3000000000u;
        r->i16 = -2;
        r->u8 = 200;
        r->s = "hello, afs";
        r->o.o_len = 3;
        r->o.o_val = o1;
        memcpy(r->tag, "abc", 3);
        r->vec[0] = 1; r->vec[1] = -1;
        r->pairs.pairs_len = 2;
        r->pairs.pairs_val = pairs1;
        r->count = 3;
        set_uuid(&r->uuid, 0x01234567u, 0x89ab, 0xcdef, 0x01, 0x23, node1);
        r->head = make_list(nodes1, vals1, labels1, 3);
        r->pick.t = AR_T_INT;
        r->pick.ar_choice_u.num = 99;
        return 0;

    case 2: /* extremes, empty everything, NULL list, void arm */
        memset(r->name, 0, 8);
        r->i64 = INT64_MIN;
        r->u64 = UINT64_MAX;
        r->i32 = INT_MIN;
        r->u32 = UINT_MAX;
        r->i16 = SHRT_MIN;
        r->u8 = 255;
        r->s = "";
        r->o.o_len = 0;
        r->o.o_val = NULL;
        memset(r->tag, 0, 3);
        r->vec[0] = INT_MIN; r->vec[1] = INT_MAX;
        r->pairs.pairs_len = 0;
        r->pairs.pairs_val = NULL;
        r->count = 0;
        set_uuid(&r->uuid, 0xffffffffu, 0xffff, 0xffff, 0xff, 0xff, node2);
        r->head = NULL;
        r->pick.t = AR_T_NONE;
        return 0;

    case 3: /* full arrays, 64-char string, 10-node list, default arm */
        memcpy(r->name, "\xe9t\xe9-\x80\x7f\x01Z", 8);
        r->i64 = -2LL;
        r->u64 = 0x8000000000000000ULL;
        r->i32 = INT_MAX;
        r->u32 = 0;
        r->i16 = SHRT_MAX;
        r->u8 = 0;
        for (i = 0; i < 64; i++)
            s3[i] = (char)('A' + (i % 26));
        s3[64] = '\0';
        r->s = s3;
        for (i = 0; i < 10; i++)
            o3[i] = (char)(0xf0 + i);
        r->o.o_len = 10;
        r->o.o_val = o3;
        memcpy(r->tag, "\xff\x00\x7f", 3);
        r->vec[0] = 0x12345678; r->vec[1] = -0x12345678;
        for (i = 0; i < 4; i++) {
            pairs3[i].key = -i;
            pairs3[i].val = 0xffffff00u + (afs_uint32)i;
        }
        r->pairs.pairs_len = 4;
        r->pairs.pairs_val = pairs3;
        r->count = -1;
        set_uuid(&r->uuid, 0x8000000fu, 0x8001, 0x1234, 0xc0, 0x7f, node3);
        for (i = 0; i < 10; i++) {
            vals3[i] = 1000 * i - 3;
            snprintf(labbuf3[i], sizeof(labbuf3[i]), "node-%d", i);
            labels3[i] = labbuf3[i];
        }
        r->head = make_list(nodes3, vals3, labels3, 10);
        r->pick.t = -5;
        r->pick.ar_choice_u.big = -1234567890123456789LL;
        return 0;

    case 4: /* text arm, 8-char label, 1-byte opaque */
        memcpy(r->name, "ABCDEFGH", 8);
        r->i64 = 1;
        r->u64 = 1;
        r->i32 = 1;
        r->u32 = 1;
        r->i16 = 1;
        r->u8 = 1;
        r->s = "x";
        r->o.o_len = 1;
        r->o.o_val = "\x2a";
        memcpy(r->tag, "\x01\x02\x03", 3);
        r->vec[0] = 0; r->vec[1] = 0;
        r->pairs.pairs_len = 1;
        r->pairs.pairs_val = pairs1;
        r->count = 1;
        set_uuid(&r->uuid, 0, 0, 0, 0, 0, (const unsigned char *)"\0\0\0\0\0\0");
        {
            static ar_node one[1];
            static const afs_int32 v[] = { 0 };
            static char *l[] = { "12345678" };
            r->head = make_list(one, v, l, 1);
        }
        r->pick.t = AR_T_TEXT;
        r->pick.ar_choice_u.text = "union text arm";
        return 0;
    }
    return -1;
}

static long encode(ar_rich *r, char *buf, unsigned int cap)
{
    XDR xdrs;
    xdrmem_create(&xdrs, buf, cap, XDR_ENCODE);
    if (!xdr_ar_rich(&xdrs, r))
        return -1;
    return (long)XDR_GETPOS(&xdrs);
}

static int cmd_encode(int n)
{
    ar_rich r;
    char *buf = malloc(ENCODE_BUF);
    long len;

    if (make_sample(n, &r) != 0) {
        fprintf(stderr, "encode: no sample %d (1..%d)\n", n, AR_NSAMPLES);
        return 2;
    }
    len = encode(&r, buf, ENCODE_BUF);
    if (len < 0) {
        fprintf(stderr, "encode: xdr_ar_rich failed for sample %d\n", n);
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
    ar_rich r;
    long len;
    u_int used;

    if (in == NULL)
        return 1;
    memset(&r, 0, sizeof(r));
    xdrmem_create(&xdrs, (char *)in, (u_int)inlen, XDR_DECODE);
    if (!xdr_ar_rich(&xdrs, &r)) {
        fprintf(stderr, "decode: xdr_ar_rich failed (%zu input bytes)\n", inlen);
        xdr_free((xdrproc_t)xdr_ar_rich, &r);
        return 1;
    }
    used = XDR_GETPOS(&xdrs);
    if (used != inlen) {
        fprintf(stderr, "decode: %zu trailing bytes after the record\n",
                inlen - used);
        xdr_free((xdrproc_t)xdr_ar_rich, &r);
        return 1;
    }
    out = malloc(ENCODE_BUF);
    len = encode(&r, out, ENCODE_BUF);
    xdr_free((xdrproc_t)xdr_ar_rich, &r);
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
        printf("%d\n", AR_NSAMPLES);
        return 0;
    }
    fprintf(stderr, "usage: %s encode N | decode | count\n", argv[0]);
    return 2;
}
