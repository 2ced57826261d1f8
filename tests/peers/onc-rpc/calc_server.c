/*
 * calc_server -- an rpcgen + libtirpc server for calc.x (RxGen ONC RPC interop peer).
 *
 * Usage: calc_server [--rpcbind] TCP_PORT UDP_PORT
 *   Binds TCP and UDP sockets on 127.0.0.1 (port 0 = ephemeral), serves CALC_V1 and CALC_V2
 *   on both, prints "tcp=P udp=Q" on one line, then runs svc_run() until killed (SIGTERM).
 *   --rpcbind also registers with the local rpcbind (svc_reg with a netconfig) and unregisters
 *   on SIGTERM.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <rpc/rpc.h>
#include "calc.h"

extern void calc_prog_1(struct svc_req *, SVCXPRT *);
extern void calc_prog_2(struct svc_req *, SVCXPRT *);

static unsigned int slow_runs;

bool_t calc_null_1_svc(void *argp, void *result, struct svc_req *req) { return TRUE; }
bool_t calc_null_2_svc(void *argp, void *result, struct svc_req *req) { return TRUE; }

bool_t calc_add_1_svc(calcargs *argp, int *result, struct svc_req *req)
{
    *result = (int)((unsigned int)argp->a + (unsigned int)argp->b);
    return TRUE;
}

bool_t calc_whoami_1_svc(void *argp, calcwho *result, struct svc_req *req)
{
    static char none[] = "";
    result->flavor = req->rq_cred.oa_flavor;
    result->uid = result->gid = 0xFFFFFFFFu;
    result->machine = none;
    if (req->rq_cred.oa_flavor == AUTH_SYS) {
        struct authunix_parms *p = (struct authunix_parms *)req->rq_clntcred;
        result->uid = p->aup_uid;
        result->gid = p->aup_gid;
        result->machine = strdup(p->aup_machname);
    }
    return TRUE;
}

bool_t calc_echo_1_svc(calcblob *argp, calcblob *result, struct svc_req *req)
{
    result->calcblob_len = argp->calcblob_len;
    result->calcblob_val = malloc(argp->calcblob_len ? argp->calcblob_len : 1);
    memcpy(result->calcblob_val, argp->calcblob_val, argp->calcblob_len);
    return TRUE;
}

bool_t calc_slow_1_svc(u_int *argp, u_int *result, struct svc_req *req)
{
    usleep(*argp * 1000u);
    *result = ++slow_runs;
    return TRUE;
}

bool_t calc_fail_1_svc(void *argp, void *result, struct svc_req *req)
{
    svcerr_systemerr(req->rq_xprt);
    return FALSE;
}

bool_t calc_sum_1_svc(calclist *argp, int64_t *result, struct svc_req *req)
{
    int64_t sum = 0;
    for (calcnode *n = *argp; n; n = n->next) sum += n->value;
    *result = sum;
    return TRUE;
}

int calc_prog_1_freeresult(SVCXPRT *transp, xdrproc_t xdr_result, caddr_t result)
{
    if (xdr_result == (xdrproc_t)xdr_calcwho) {
        calcwho *w = (calcwho *)result;
        if (w->machine && w->machine[0] == '\0') w->machine = NULL; /* the static "" */
    }
    xdr_free(xdr_result, result);
    return 1;
}

int calc_prog_2_freeresult(SVCXPRT *transp, xdrproc_t xdr_result, caddr_t result)
{
    xdr_free(xdr_result, result);
    return 1;
}

static int bound_socket(int type, int port)
{
    struct sockaddr_in sin;
    int one = 1;
    int fd = socket(AF_INET, type, 0);
    if (fd < 0) { perror("socket"); exit(1); }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(&sin, 0, sizeof sin);
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = htons((unsigned short)port);
    if (bind(fd, (struct sockaddr *)&sin, sizeof sin) < 0) { perror("bind"); exit(1); }
    if (type == SOCK_STREAM) {
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        if (listen(fd, 64) < 0) { perror("listen"); exit(1); }
    }
    return fd;
}

static int port_of(int fd)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof sin;
    getsockname(fd, (struct sockaddr *)&sin, &len);
    return ntohs(sin.sin_port);
}

static int use_rpcbind;

static void on_term(int sig)
{
    if (use_rpcbind) {
        svc_unreg(CALC_PROG, CALC_V1);
        svc_unreg(CALC_PROG, CALC_V2);
    }
    _exit(0);
}

int main(int argc, char **argv)
{
    int a = 1;
    if (a < argc && strcmp(argv[a], "--rpcbind") == 0) { use_rpcbind = 1; a++; }
    if (argc - a != 2) {
        fprintf(stderr, "usage: calc_server [--rpcbind] TCP_PORT UDP_PORT\n");
        return 2;
    }
    int tcp = bound_socket(SOCK_STREAM, atoi(argv[a]));
    int udp = bound_socket(SOCK_DGRAM, atoi(argv[a + 1]));
    SVCXPRT *tx = svctcp_create(tcp, 0, 0);
    SVCXPRT *ux = svcudp_bufcreate(udp, 65000, 65000);
    if (!tx || !ux) { fprintf(stderr, "cannot create transports\n"); return 1; }
    struct netconfig *tnc = use_rpcbind ? getnetconfigent("tcp") : NULL;
    struct netconfig *unc = use_rpcbind ? getnetconfigent("udp") : NULL;
    if (use_rpcbind) {
        rpcb_unset(CALC_PROG, CALC_V1, NULL);
        rpcb_unset(CALC_PROG, CALC_V2, NULL);
    }
    if (!svc_reg(tx, CALC_PROG, CALC_V1, calc_prog_1, tnc) || !svc_reg(tx, CALC_PROG, CALC_V2, calc_prog_2, tnc)
        || !svc_reg(ux, CALC_PROG, CALC_V1, calc_prog_1, unc) || !svc_reg(ux, CALC_PROG, CALC_V2, calc_prog_2, unc)) {
        fprintf(stderr, "svc_reg failed\n");
        return 1;
    }
    signal(SIGTERM, on_term);
    signal(SIGINT, on_term);
    printf("tcp=%d udp=%d\n", port_of(tcp), port_of(udp));
    fflush(stdout);
    svc_run();
    return 1;
}
