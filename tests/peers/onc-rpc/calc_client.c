/*
 * calc_client -- an rpcgen + libtirpc client for calc.x (RxGen ONC RPC interop peer).
 *
 * Usage: calc_client [-a] HOST PORT tcp|udp OP [ARGS...]
 *   PORT 0 asks the portmapper on HOST. -a sends AUTH_SYS (uid 1234, gid 5678, machine "cpeer").
 *   OP: null | add A B | whoami | echo N | slow MS | fail | sum N | loop N | call VERS PROC | prog PROG
 *   ("sum N" sends the list 1..N and prints the server's sum; "loop N" makes N sequential NULL
 *   calls and prints "ok CALLS_PER_SECOND", for rough rate comparisons.)
 *   ("call" and "prog" send void arguments to any version/procedure or program, for error replies.)
 * Prints "ok RESULT" and exits 0, or "error STAT MESSAGE" (clnt_sperror) and exits 3.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <rpc/rpc.h>
#include "calc.h"

static struct timeval timeout = { 10, 0 };

static CLIENT *connect_to(const char *host, int port, const char *proto, u_long prog, u_long vers)
{
    struct sockaddr_in sin;
    int sock = RPC_ANYSOCK;
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) { fprintf(stderr, "bad host %s\n", host); exit(2); }
    sin.sin_port = htons((unsigned short)port);
    CLIENT *c;
    if (strcmp(proto, "tcp") == 0) {
        c = clnttcp_create(&sin, prog, vers, &sock, 0, 0);
    } else {
        struct timeval wait = { 1, 0 };
        c = clntudp_create(&sin, prog, vers, wait, &sock);
    }
    if (!c) {
        printf("error %d %s\n", (int)rpc_createerr.cf_stat, clnt_spcreateerror("create"));
        exit(3);
    }
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

int main(int argc, char **argv)
{
    int a = 1, authsys = 0;
    if (a < argc && strcmp(argv[a], "-a") == 0) { authsys = 1; a++; }
    if (argc - a < 4) { fprintf(stderr, "usage: calc_client [-a] HOST PORT tcp|udp OP [ARGS...]\n"); return 2; }
    const char *host = argv[a], *proto = argv[a + 2], *op = argv[a + 3];
    int port = atoi(argv[a + 1]);
    char **args = argv + a + 4;
    int nargs = argc - a - 4;
    u_long prog = CALC_PROG, vers = CALC_V1;
    if (strcmp(op, "call") == 0 && nargs == 2) vers = strtoul(args[0], NULL, 0);
    if (strcmp(op, "prog") == 0 && nargs == 1) prog = strtoul(args[0], NULL, 0);
    CLIENT *c = connect_to(host, port, proto, prog, vers);
    if (authsys) {
        auth_destroy(c->cl_auth);
        c->cl_auth = authunix_create("cpeer", 1234, 5678, 0, NULL);
    }
    enum clnt_stat st;
    if (strcmp(op, "null") == 0) {
        st = calc_null_1(NULL, NULL, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        printf("ok\n");
    } else if (strcmp(op, "add") == 0 && nargs == 2) {
        calcargs in = { atoi(args[0]), atoi(args[1]) };
        int out = 0;
        st = calc_add_1(&in, &out, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        printf("ok %d\n", out);
    } else if (strcmp(op, "whoami") == 0) {
        calcwho out;
        memset(&out, 0, sizeof out);
        st = calc_whoami_1(NULL, &out, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        printf("ok %u %u %u %s\n", out.flavor, out.uid, out.gid, out.machine);
    } else if (strcmp(op, "echo") == 0 && nargs == 1) {
        u_int n = (u_int)atoi(args[0]);
        calcblob in, out;
        in.calcblob_len = n;
        in.calcblob_val = malloc(n ? n : 1);
        for (u_int i = 0; i < n; i++) in.calcblob_val[i] = (char)(i * 7 + 3);
        memset(&out, 0, sizeof out);
        st = calc_echo_1(&in, &out, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        if (out.calcblob_len != n || memcmp(in.calcblob_val, out.calcblob_val, n) != 0) { printf("mismatch\n"); return 4; }
        printf("ok %u\n", n);
    } else if (strcmp(op, "slow") == 0 && nargs == 1) {
        u_int in = (u_int)atoi(args[0]), out = 0;
        st = calc_slow_1(&in, &out, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        printf("ok %u\n", out);
    } else if (strcmp(op, "sum") == 0 && nargs == 1) {
        int n = atoi(args[0]);
        calcnode *nodes = calloc((size_t)(n > 0 ? n : 1), sizeof *nodes);
        for (int i = 0; i < n; i++) {
            nodes[i].value = i + 1;
            nodes[i].next = i + 1 < n ? &nodes[i + 1] : NULL;
        }
        calclist in = n > 0 ? &nodes[0] : NULL;
        quad_t out = 0;
        st = calc_sum_1(&in, &out, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        printf("ok %lld\n", (long long)out);
    } else if (strcmp(op, "loop") == 0 && nargs == 1) {
        long n = atol(args[0]);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        for (long i = 0; i < n; i++) {
            st = calc_null_1(NULL, NULL, c);
            if (st != RPC_SUCCESS) return fail(c, st);
        }
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        printf("ok %.0f\n", (double)n / s);
    } else if (strcmp(op, "fail") == 0) {
        st = calc_fail_1(NULL, NULL, c);
        if (st != RPC_SUCCESS) return fail(c, st);
        printf("ok\n");
    } else if (strcmp(op, "call") == 0 && nargs == 2) {
        st = clnt_call(c, strtoul(args[1], NULL, 0), (xdrproc_t)xdr_void, NULL, (xdrproc_t)xdr_void, NULL, timeout);
        if (st != RPC_SUCCESS) return fail(c, st);
        printf("ok\n");
    } else if (strcmp(op, "prog") == 0 && nargs == 1) {
        st = clnt_call(c, 0, (xdrproc_t)xdr_void, NULL, (xdrproc_t)xdr_void, NULL, timeout);
        if (st != RPC_SUCCESS) return fail(c, st);
        printf("ok\n");
    } else {
        fprintf(stderr, "bad operation\n");
        return 2;
    }
    clnt_destroy(c);
    return 0;
}
