/*
 * rpcbind_loopback -- runs the system rpcbind on loopback only (RxGen ONC RPC tests).
 *
 * Debian 12's rpcbind crashes with -h ADDR and otherwise binds every interface, but it takes
 * ready-made listening sockets through systemd-style socket activation. This launcher binds
 * TCP and UDP on 127.0.0.1:PORT and [::1]:PORT, moves them to fds 3..6, sets LISTEN_PID to its
 * own PID and LISTEN_FDS=4, and execs "rpcbind -f" (so rpcbind's PID is this process's PID).
 *
 * Usage: rpcbind_loopback [PORT] [RPCBIND]     (defaults: 111, /usr/sbin/rpcbind)
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int bound(int family, int type, int port)
{
    int one = 1;
    int fd = socket(family, type, 0);
    if (fd < 0) { perror("socket"); exit(1); }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int rc;
    if (family == AF_INET) {
        struct sockaddr_in sin;
        memset(&sin, 0, sizeof sin);
        sin.sin_family = AF_INET;
        sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        sin.sin_port = htons((unsigned short)port);
        rc = bind(fd, (struct sockaddr *)&sin, sizeof sin);
    } else {
        struct sockaddr_in6 sin6;
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        memset(&sin6, 0, sizeof sin6);
        sin6.sin6_family = AF_INET6;
        sin6.sin6_addr = in6addr_loopback;
        sin6.sin6_port = htons((unsigned short)port);
        rc = bind(fd, (struct sockaddr *)&sin6, sizeof sin6);
    }
    if (rc < 0) { perror("bind"); exit(1); }
    if (type == SOCK_STREAM && listen(fd, 64) < 0) { perror("listen"); exit(1); }
    return fd;
}

int main(int argc, char **argv)
{
    int port = argc > 1 ? atoi(argv[1]) : 111;
    const char *rpcbind = argc > 2 ? argv[2] : "/usr/sbin/rpcbind";
    int fds[4] = {
        bound(AF_INET, SOCK_STREAM, port), bound(AF_INET, SOCK_DGRAM, port),
        bound(AF_INET6, SOCK_STREAM, port), bound(AF_INET6, SOCK_DGRAM, port),
    };
    /* Move to 3..6 through fds >= 100, so that no dup2 clobbers another of the sockets. */
    for (int i = 0; i < 4; i++) {
        int high = fcntl(fds[i], F_DUPFD, 100);
        if (high < 0) { perror("fcntl"); return 1; }
        close(fds[i]);
        fds[i] = high;
    }
    for (int i = 0; i < 4; i++) {
        if (dup2(fds[i], 3 + i) < 0) { perror("dup2"); return 1; }
        close(fds[i]);
    }
    char pid[32];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    setenv("LISTEN_PID", pid, 1);
    setenv("LISTEN_FDS", "4", 1);
    execl(rpcbind, rpcbind, "-f", (char *)NULL);
    perror("exec rpcbind");
    return 1;
}
