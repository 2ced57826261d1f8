/*
 * blobs_bench.c -- C baseline for XDR encode/decode speed of blobs.x (a
 * blob-heavy record), using rpcgen's xdr_blobs over libtirpc's xdrmem.
 *
 *   blobs_bench encode|decode|decode-nofree ITER | hex
 *
 * (the modes and the output are described in bench_main.h).  The sample is
 * built the same way by tests/RxGen.Benchmarks/BlobsSample.cs.
 */
#include <stdint.h>
#include <string.h>

#include "blobs.h"

#define BB_ICON 317
#define BB_KEY 256
#define BB_ACL 1234
#define BB_BODY 4096
#define BB_TRAILER 777

static char icon[BB_ICON], key[BB_KEY], acl[BB_ACL], body[BB_BODY], trailer[BB_TRAILER];

/* Byte j of blob k is (j * 31 + k * 97 + 7) mod 256. */
static void fill(char *p, u_int len, int k)
{
    u_int j;
    for (j = 0; j < len; j++)
        p[j] = (char)(unsigned char)((j * 31u + (u_int)k * 97u + 7u) & 0xffu);
}

static void make_sample(blobs *b)
{
    memset(b, 0, sizeof(*b));
    b->id = 0x0123456789abcdefULL;
    b->mtime = 1700000000123456789LL;
    b->mode = 0100644;
    b->path = "/afs/test.cell/user/admin/projects/rxgen/bench/blob-0001.dat";
    b->owner = "user.admin@TEST.CELL";
    b->mime = "application/octet-stream";
    fill(icon, BB_ICON, 0);
    fill(key, BB_KEY, 1);
    fill(acl, BB_ACL, 2);
    fill(body, BB_BODY, 3);
    fill(trailer, BB_TRAILER, 4);
    b->icon.icon_len = BB_ICON;
    b->icon.icon_val = icon;
    b->key.key_len = BB_KEY;
    b->key.key_val = key;
    b->acl.acl_len = BB_ACL;
    b->acl.acl_val = acl;
    b->body.body_len = BB_BODY;
    b->body.body_val = body;
    b->trailer.trailer_len = BB_TRAILER;
    b->trailer.trailer_val = trailer;
    b->crc = 0xdeadbeefu;
}

#define BENCH_TYPE blobs
#define BENCH_XDR xdr_blobs
#define BENCH_NAME "blobs_bench"
#include "bench_main.h"
