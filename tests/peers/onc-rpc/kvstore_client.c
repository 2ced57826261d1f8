/*
 * kvstore_client -- an rpcgen -N -M + libtirpc client for examples/onc/kvstore.x (RxGen oncdemo interop peer).
 *
 * Usage: kvstore_client HOST PORT tcp|udp VERS PROC [ARGS...]
 *   PORT 0 asks rpcbind on HOST (clnt_create). VERS is 1 or 2.
 *   PROC: null | put KEY VALUE | get KEY | delete KEY | list | cas KEY VERSION VALUE | getmany KEY... |
 *         stats | count PREFIX   (cas, getmany, stats and count need VERS 2)
 * Prints the result in oncdemo's format (one line per item; a value as printable ASCII text, else 0x + hex;
 * stats without uptime) and exits 0, or prints "error STAT MESSAGE" (clnt_sperror) and exits 3; bad usage 2.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <rpc/rpc.h>
#include "kvstore.h"

static struct timeval timeout = { 10, 0 };

static const char *status_name(kvstatus s)
{
    switch (s) {
    case KV_OK: return "KV_OK";
    case KV_NOTFOUND: return "KV_NOTFOUND";
    case KV_TOOBIG: return "KV_TOOBIG";
    case KV_READONLY: return "KV_READONLY";
    }
    return "?";
}

static void print_value(const kvvalue *v)
{
    u_int i;
    for (i = 0; i < v->kvvalue_len; i++) {
        unsigned char b = (unsigned char)v->kvvalue_val[i];
        if (b < 0x20 || b > 0x7e) break;
    }
    if (i == v->kvvalue_len) {
        fwrite(v->kvvalue_val, 1, v->kvvalue_len, stdout);
        return;
    }
    printf("0x");
    for (i = 0; i < v->kvvalue_len; i++) printf("%02x", (unsigned char)v->kvvalue_val[i]);
}

static void print_get(const kvgetres *r)
{
    if (r->status == KV_OK) {
        printf("KV_OK ");
        print_value(&r->kvgetres_u.value);
        printf("\n");
    } else {
        printf("%s\n", status_name(r->status));
    }
}

static void print_list(const kventry *e)
{
    for (; e; e = e->next) {
        printf("%s ", e->key);
        print_value(&e->value);
        printf("\n");
    }
}

static kvvalue value_of(char *text)
{
    kvvalue v;
    v.kvvalue_len = (u_int)strlen(text);
    v.kvvalue_val = text;
    return v;
}

static CLIENT *connect_to(const char *host, int port, const char *proto, u_long vers)
{
    CLIENT *c;
    if (port == 0) {
        c = clnt_create(host, KVSTORE_PROG, vers, proto);
    } else {
        struct sockaddr_in sin;
        int sock = RPC_ANYSOCK;
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) { fprintf(stderr, "bad host %s\n", host); exit(2); }
        sin.sin_port = htons((unsigned short)port);
        if (strcmp(proto, "tcp") == 0) {
            c = clnttcp_create(&sin, KVSTORE_PROG, vers, &sock, 0, 0);
        } else {
            struct timeval wait = { 1, 0 };
            c = clntudp_create(&sin, KVSTORE_PROG, vers, wait, &sock);
        }
    }
    if (!c) {
        char *msg = clnt_spcreateerror("create");
        char *nl = strchr(msg, '\n');
        if (nl) *nl = '\0';
        printf("error %d %s\n", (int)rpc_createerr.cf_stat, msg);
        exit(3);
    }
    clnt_control(c, CLSET_TIMEOUT, (char *)&timeout);
    return c;
}

static int fail(CLIENT *c, enum clnt_stat st)
{
    char *msg = clnt_sperror(c, "call");
    char *nl = strchr(msg, '\n');
    if (nl) *nl = '\0';
    printf("error %d %s\n", (int)st, msg);
    return 3;
}

#define NEED(n) do { if (nargs != (n)) { fprintf(stderr, "%s takes %d argument(s)\n", op, (n)); return 2; } } while (0)

int main(int argc, char **argv)
{
    if (argc < 6) { fprintf(stderr, "usage: kvstore_client HOST PORT tcp|udp VERS PROC [ARGS...]\n"); return 2; }
    const char *host = argv[1], *proto = argv[3], *op = argv[5];
    int port = atoi(argv[2]);
    u_long vers = strtoul(argv[4], NULL, 0);
    char **args = argv + 6;
    int nargs = argc - 6;
    if (vers != 1 && vers != 2) { fprintf(stderr, "VERS must be 1 or 2\n"); return 2; }
    CLIENT *c = connect_to(host, port, proto, vers);
    enum clnt_stat st;
    if (strcmp(op, "null") == 0) {
        NEED(0);
        st = vers == 1 ? kvproc_null_1(NULL, c) : kvproc_null_2(NULL, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        printf("ok\n");
    } else if (strcmp(op, "put") == 0) {
        NEED(2);
        kvstatus out;
        st = vers == 1 ? kvproc_put_1(args[0], value_of(args[1]), &out, c) : kvproc_put_2(args[0], value_of(args[1]), &out, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        printf("%s\n", status_name(out));
    } else if (strcmp(op, "get") == 0) {
        NEED(1);
        kvgetres out;
        memset(&out, 0, sizeof out);
        st = vers == 1 ? kvproc_get_1(args[0], &out, c) : kvproc_get_2(args[0], &out, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        print_get(&out);
        xdr_free((xdrproc_t)xdr_kvgetres, (char *)&out);
    } else if (strcmp(op, "delete") == 0) {
        NEED(1);
        kvstatus out;
        st = vers == 1 ? kvproc_delete_1(args[0], &out, c) : kvproc_delete_2(args[0], &out, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        printf("%s\n", status_name(out));
    } else if (strcmp(op, "list") == 0) {
        NEED(0);
        kvlist out = NULL;
        st = vers == 1 ? kvproc_list_1(&out, c) : kvproc_list_2(&out, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        print_list(out);
        xdr_free((xdrproc_t)xdr_kvlist, (char *)&out);
    } else if (vers != 2) {
        fprintf(stderr, "%s needs VERS 2\n", op);
        return 2;
    } else if (strcmp(op, "cas") == 0) {
        NEED(3);
        kvcasargs in;
        kvcasres out;
        in.key = args[0];
        in.expected_version = strtoull(args[1], NULL, 10);
        in.value = value_of(args[2]);
        st = kvproc_cas_2(in, &out, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        if (out.status == KV_OK) printf("KV_OK %" PRIu64 "\n", (uint64_t)out.kvcasres_u.new_version);
        else if (out.status == KV_NOTFOUND) printf("KV_NOTFOUND\n");
        else printf("%s %" PRIu64 "\n", status_name(out.status), (uint64_t)out.kvcasres_u.current_version);
    } else if (strcmp(op, "getmany") == 0) {
        kvkeys in;
        kvgetresults out;
        memset(&out, 0, sizeof out);
        in.kvkeys_len = (u_int)nargs;
        in.kvkeys_val = args;
        st = kvproc_getmany_2(in, &out, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        for (u_int i = 0; i < out.kvgetresults_len; i++) {
            printf("%s ", i < (u_int)nargs ? args[i] : "?");
            print_get(&out.kvgetresults_val[i]);
        }
        xdr_free((xdrproc_t)xdr_kvgetresults, (char *)&out);
    } else if (strcmp(op, "stats") == 0) {
        NEED(0);
        kvstats out;
        st = kvproc_stats_2(&out, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        printf("entries=%u bytes=%" PRIu64 " readonly=%s\n", out.entries, (uint64_t)out.bytes, out.readonly ? "true" : "false");
    } else if (strcmp(op, "count") == 0) {
        NEED(1);
        kvstrictres out;
        st = kvproc_count_2(args[0], &out, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        if (out.status == KV_OK) printf("KV_OK %u\n", out.kvstrictres_u.count);
        else printf("%s\n", status_name(out.status));
    } else {
        fprintf(stderr, "unknown PROC %s\n", op);
        return 2;
    }
    clnt_destroy(c);
    return 0;
}
