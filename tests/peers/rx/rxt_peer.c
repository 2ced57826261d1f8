/*
 * rxt_peer.c -- OpenAFS Rx peer for RxGen's managed-Rx interop tests.
 *
 *   rxt_peer server PORT          serve service 7400 (rxnull) on 127.0.0.1:PORT;
 *                                 prints "ready" once listening, and one line
 *                                 per notable event ("sink-aborted CODE", ...)
 *   rxt_peer client HOST PORT T   run test T against HOST:PORT, print
 *                                 "ok T ..." or "FAIL T ..." and exit 0/1.
 *     T = echo | fail | unknown | sink:N | source:N | sinkabort:N | all:N
 *   rxt_peer client HOST PORT bench-null N        N sequential Echo calls
 *   rxt_peer client HOST PORT bench-threads T N   N Echo calls on each of T threads
 *                                                  (one connection, 4 channels)
 *   rxt_peer client HOST PORT bench-split MIB     MIB sink, then MIB source
 *     bench modes print "bench KIND n=.. seconds=.. user=.. sys=.." lines
 *     (user/sys: this process's getrusage over the timed part).
 */
#include <afsconfig.h>
#include <afs/param.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/time.h>

#include <rx/rx.h>
#include <rx/rx_null.h>
#include <rx/xdr.h>

#include "rxt.h"

#define RXT_SERVICE_ID 7400
#define CHUNK 65536

static unsigned char pattern(afs_int64 i, afs_int32 seed)
{
    return (unsigned char)((i * 7 + (i >> 10) + seed) & 0xff);
}

static afs_uint32 fold(afs_uint32 c, const unsigned char *p, int n)
{
    int i;
    for (i = 0; i < n; i++)
        c = c * 31 + p[i];
    return c;
}

/* ---- server ---------------------------------------------------------- */

afs_int32 SRXT_Echo(struct rx_call *call, afs_int32 a, char *s, afs_int32 *b, char **t)
{
    size_t n = strlen(s);
    *b = a + 1;
    *t = malloc(n + 5);
    if (*t == NULL)
        return ENOMEM;
    memcpy(*t, s, n);
    memcpy(*t + n, "-ack", 5);
    return 0;
}

afs_int32 SRXT_Fail(struct rx_call *call, afs_int32 code)
{
    return code;
}

afs_int32 SRXT_Sink(struct rx_call *call, afs_int32 length, afs_int32 seed, afs_uint32 *checksum)
{
    static unsigned char buf[CHUNK];
    afs_int64 done = 0;
    afs_uint32 c = 0;
    while (done < length) {
        int want = length - done > CHUNK ? CHUNK : (int)(length - done);
        int got = rx_Read(call, (char *)buf, want);
        int i;
        if (got <= 0) {
            printf("sink-aborted %d\n", rx_Error(call));
            fflush(stdout);
            return RX_CALL_DEAD;
        }
        for (i = 0; i < got; i++)
            if (buf[i] != pattern(done + i, seed)) {
                printf("sink-mismatch %lld\n", (long long)(done + i));
                fflush(stdout);
                return 5;
            }
        c = fold(c, buf, got);
        done += got;
    }
    *checksum = c;
    return 0;
}

afs_int32 SRXT_Source(struct rx_call *call, afs_int32 length, afs_int32 seed, afs_uint32 *checksum)
{
    static unsigned char buf[CHUNK];
    afs_int64 done = 0;
    afs_uint32 c = 0;
    while (done < length) {
        int n = length - done > CHUNK ? CHUNK : (int)(length - done);
        int i;
        for (i = 0; i < n; i++)
            buf[i] = pattern(done + i, seed);
        if (rx_Write(call, (char *)buf, n) != n) {
            printf("source-aborted %d\n", rx_Error(call));
            fflush(stdout);
            return RX_CALL_DEAD;
        }
        c = fold(c, buf, n);
        done += n;
    }
    *checksum = c;
    return 0;
}

afs_int32 SRXT_Slow(struct rx_call *call, afs_int32 ms)
{
    int waited;
    for (waited = 0; waited < ms && rx_Error(call) == 0; waited += 10)
        usleep(10000);
    printf("slow-ended %d\n", rx_Error(call));
    fflush(stdout);
    return 0;
}

static int serve(int port)
{
    struct rx_securityClass *sc[1];
    struct rx_service *service;
    if (rx_Init(htons(port)) != 0) {
        fprintf(stderr, "rx_Init failed\n");
        return 1;
    }
    sc[0] = rxnull_NewServerSecurityObject();
    service = rx_NewService(0, RXT_SERVICE_ID, "rxt", sc, 1, RXT_ExecuteRequest);
    if (service == NULL) {
        fprintf(stderr, "rx_NewService failed\n");
        return 1;
    }
    rx_SetMaxProcs(service, 8);
    printf("ready\n");
    fflush(stdout);
    rx_StartServer(1);
    return 0;
}

/* ---- client ---------------------------------------------------------- */

static int failures;
static int bench_a, bench_b;

static void report(int ok, const char *test, const char *fmt, long long a, long long b)
{
    printf("%s %s ", ok ? "ok" : "FAIL", test);
    printf(fmt, a, b);
    printf("\n");
    fflush(stdout);
    if (!ok)
        failures++;
}

static void test_echo(struct rx_connection *conn)
{
    afs_int32 b = 0;
    char *t = NULL;
    afs_int32 code = RXT_Echo(conn, 41, "hello", &b, &t);
    int ok = code == 0 && b == 42 && t != NULL && strcmp(t, "hello-ack") == 0;
    printf("%s echo code=%d b=%d t=%s\n", ok ? "ok" : "FAIL", code, b, t ? t : "(null)");
    fflush(stdout);
    if (!ok)
        failures++;
    free(t);
}

static void test_fail(struct rx_connection *conn)
{
    afs_int32 code = RXT_Fail(conn, 363524);
    report(code == 363524, "fail", "code=%lld want=%lld", code, 363524);
}

static void test_unknown(struct rx_connection *conn)
{
    struct rx_call *call = rx_NewCall(conn);
    afs_int32 op = htonl(9999);
    afs_int32 code;
    char c;
    rx_Write(call, (char *)&op, 4);
    rx_Read(call, &c, 1);
    code = rx_EndCall(call, 0);
    report(code == -455, "unknown", "code=%lld want=%lld", code, -455);
}

static void test_sink(struct rx_connection *conn, afs_int32 length, int abort_at)
{
    static unsigned char buf[CHUNK];
    struct rx_call *call = rx_NewCall(conn);
    afs_int64 done = 0;
    afs_uint32 c = 0, got = 0;
    afs_int32 code = StartRXT_Sink(call, length, 3);
    while (code == 0 && done < length) {
        int n = length - done > CHUNK ? CHUNK : (int)(length - done);
        int i;
        if (abort_at >= 0 && done >= abort_at)
            break;
        for (i = 0; i < n; i++)
            buf[i] = pattern(done + i, 3);
        if (rx_Write(call, (char *)buf, n) != n) {
            code = rx_Error(call);
            break;
        }
        c = fold(c, buf, n);
        done += n;
    }
    if (abort_at >= 0) {
        code = rx_EndCall(call, 4321);
        report(code == 4321, "sinkabort", "code=%lld sent=%lld", code, done);
        return;
    }
    if (code == 0)
        code = EndRXT_Sink(call, &got);
    code = rx_EndCall(call, code);
    report(code == 0 && got == c, "sink", "code=%lld checksum-match=%lld", code, got == c);
}

static void test_source(struct rx_connection *conn, afs_int32 length)
{
    static unsigned char buf[CHUNK];
    struct rx_call *call = rx_NewCall(conn);
    afs_int64 done = 0;
    afs_uint32 c = 0, got = 0;
    int bad = 0;
    afs_int32 code = StartRXT_Source(call, length, 5);
    while (code == 0 && done < length) {
        int want = length - done > CHUNK ? CHUNK : (int)(length - done);
        int n = rx_Read(call, (char *)buf, want), i;
        if (n <= 0) {
            code = rx_Error(call) ? rx_Error(call) : -1;
            break;
        }
        for (i = 0; i < n; i++)
            if (buf[i] != pattern(done + i, 5))
                bad = 1;
        c = fold(c, buf, n);
        done += n;
    }
    if (code == 0)
        code = EndRXT_Source(call, &got);
    code = rx_EndCall(call, code);
    report(code == 0 && !bad && got == c, "source", "code=%lld bytes=%lld", code, done);
}

/* ---- bench ----------------------------------------------------------- */

static double now_s(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

static void cpu_s(double *user, double *sys)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *user = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6;
    *sys = ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int echo_n(struct rx_connection *conn, int n)
{
    int i;
    for (i = 0; i < n; i++) {
        afs_int32 b = 0;
        char *t = NULL;
        afs_int32 code = RXT_Echo(conn, i, "x", &b, &t);
        free(t);
        if (code != 0 || b != i + 1)
            return code ? code : -1;
    }
    return 0;
}

struct bench_thread { struct rx_connection *conn; int n; int code; };

static void *bench_thread_main(void *arg)
{
    struct bench_thread *t = arg;
    t->code = echo_n(t->conn, t->n);
    return NULL;
}

static void bench_line(const char *kind, long long n, double t0, double u0, double s0)
{
    double t1 = now_s(), u1, s1;
    cpu_s(&u1, &s1);
    printf("bench %s n=%lld seconds=%.6f user=%.6f sys=%.6f\n", kind, n, t1 - t0, u1 - u0, s1 - s0);
    fflush(stdout);
}

static int bench(struct rx_connection *conn, const char *mode, int a, int b)
{
    double t0, u0, s0;
    echo_n(conn, 100); /* warm up */
    cpu_s(&u0, &s0);
    t0 = now_s();
    if (strcmp(mode, "bench-null") == 0) {
        int code = echo_n(conn, a);
        bench_line("null", a, t0, u0, s0);
        return code != 0;
    }
    if (strcmp(mode, "bench-threads") == 0) {
        pthread_t th[256];
        struct bench_thread arg[256];
        int i, bad = 0;
        if (a < 1 || a > 256)
            return 2;
        for (i = 0; i < a; i++) {
            arg[i].conn = conn;
            arg[i].n = b;
            pthread_create(&th[i], NULL, bench_thread_main, &arg[i]);
        }
        for (i = 0; i < a; i++) {
            pthread_join(th[i], NULL);
            bad |= arg[i].code != 0;
        }
        bench_line("threads", (long long)a * b, t0, u0, s0);
        return bad;
    }
    if (strcmp(mode, "bench-split") == 0) {
        test_sink(conn, a << 20, -1);
        bench_line("sink", (long long)a << 20, t0, u0, s0);
        cpu_s(&u0, &s0);
        t0 = now_s();
        test_source(conn, a << 20);
        bench_line("source", (long long)a << 20, t0, u0, s0);
        return failures != 0;
    }
    return 2;
}

static int client(const char *host, int port, const char *test)
{
    struct rx_connection *conn;
    struct in_addr addr;
    const char *colon = strchr(test, ':');
    afs_int32 n = colon ? atoi(colon + 1) : 1 << 20;
    size_t len = colon ? (size_t)(colon - test) : strlen(test);
    if (inet_aton(host, &addr) == 0) {
        fprintf(stderr, "bad host %s\n", host);
        return 2;
    }
    if (rx_Init(0) != 0) {
        fprintf(stderr, "rx_Init failed\n");
        return 2;
    }
    conn = rx_NewConnection(addr.s_addr, htons(port), RXT_SERVICE_ID, rxnull_NewClientSecurityObject(), 0);
    rx_SetConnDeadTime(conn, 6);
    if (strncmp(test, "bench-", 6) == 0) {
        int code = bench(conn, test, bench_a, bench_b);
        rx_DestroyConnection(conn);
        rx_Finalize();
        return code;
    }
    if (strncmp(test, "echo", len) == 0 || strncmp(test, "all", len) == 0)
        test_echo(conn);
    if (strncmp(test, "fail", len) == 0 || strncmp(test, "all", len) == 0)
        test_fail(conn);
    if (strncmp(test, "unknown", len) == 0 || strncmp(test, "all", len) == 0)
        test_unknown(conn);
    if (strncmp(test, "sink", len) == 0 || strncmp(test, "all", len) == 0)
        test_sink(conn, n, -1);
    if (strncmp(test, "source", len) == 0 || strncmp(test, "all", len) == 0)
        test_source(conn, n);
    if (strncmp(test, "sinkabort", len) == 0 || strncmp(test, "all", len) == 0)
        test_sink(conn, n, n / 4);
    rx_DestroyConnection(conn);
    rx_Finalize();
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "server") == 0)
        return serve(atoi(argv[2]));
    if (argc == 5 && strcmp(argv[1], "client") == 0)
        return client(argv[2], atoi(argv[3]), argv[4]);
    if ((argc == 6 || argc == 7) && strcmp(argv[1], "client") == 0 && strncmp(argv[4], "bench-", 6) == 0) {
        bench_a = atoi(argv[5]);
        bench_b = argc == 7 ? atoi(argv[6]) : 0;
        return client(argv[2], atoi(argv[3]), argv[4]);
    }
    fprintf(stderr, "usage: rxt_peer server PORT | rxt_peer client HOST PORT TEST\n");
    return 2;
}
