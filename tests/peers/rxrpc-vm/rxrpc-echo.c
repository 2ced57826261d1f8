/*
 * rxrpc-echo -- a Linux AF_RXRPC client and server for the echo services of
 * examples/upgrade/echo.xg (ECHO_ 100, its shadow UPGECHO_ 101), run inside
 * the test VM (tests/peers/rxrpc-vm).  Built static; written for RxGen from
 * the kernel's AF_RXRPC documentation (Documentation/networking/rxrpc.rst).
 *
 *   rxrpc-echo client HOST PORT [-s SERVICE] [-u] [-n COUNT] [-d TEXT] [-t SECONDS]
 *       COUNT Echo calls (opcode 1) from one socket; -u asks for a service
 *       upgrade on the first call (RXRPC_UPGRADE_SERVICE).  Prints, per call,
 *       "call N: service=<srx_service of the reply> reply=<text>" or
 *       "call N: FAILED <reason>".  Exit 0 when every call succeeded.
 *   rxrpc-echo server PORT [-s FROM,TO] [-u] [-n COUNT]
 *       Binds services FROM and TO (default 100,101) on PORT; -u declares the
 *       upgrade pair (RXRPC_UPGRADEABLE_SERVICE).  Echo on TO prefixes "UPG:".
 *       Prints "served N: service=<id> data=<text>" per call (the service as
 *       recvmsg reports it: 0 on 6.1); stops after COUNT calls (default: never;
 *       stopping at once after the last reply can lose it, the socket closes).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rxrpc.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef AF_RXRPC
#define AF_RXRPC 33
#endif
#ifndef SOL_RXRPC
#define SOL_RXRPC 272
#endif

#define OP_ECHO 1u
#define OP_GETCAPS 65537u
#define MAXDATA 65536

static void put32(unsigned char *p, uint32_t v) { v = htonl(v); memcpy(p, &v, 4); }
static uint32_t get32(const unsigned char *p) { uint32_t v; memcpy(&v, p, 4); return ntohl(v); }

static int make_socket(void)
{
	int fd = socket(AF_RXRPC, SOCK_DGRAM, PF_INET);
	if (fd < 0) { perror("socket(AF_RXRPC)"); exit(2); }
	return fd;
}

static void set_addr(struct sockaddr_rxrpc *srx, const char *host, int port, int service)
{
	memset(srx, 0, sizeof(*srx));
	srx->srx_family = AF_RXRPC;
	srx->srx_service = service;
	srx->transport_type = SOCK_DGRAM;
	srx->transport_len = sizeof(srx->transport.sin);
	srx->transport.sin.sin_family = AF_INET;
	srx->transport.sin.sin_port = htons(port);
	if (host && inet_pton(AF_INET, host, &srx->transport.sin.sin_addr) != 1) { fprintf(stderr, "bad address %s\n", host); exit(2); }
}

/* Appends a cmsg; returns the new control length. */
static size_t add_cmsg(char *control, size_t used, int type, const void *data, size_t len)
{
	struct cmsghdr *c = (struct cmsghdr *)(control + used);
	c->cmsg_level = SOL_RXRPC;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	if (len) memcpy(CMSG_DATA(c), data, len);
	return used + CMSG_SPACE(len);
}

struct received {
	unsigned long call_id;
	int have_call_id, aborted, net_error, local_error, acked, new_call;
	uint32_t abort_code;
	int error;
};

static void parse_cmsgs(struct msghdr *msg, struct received *r)
{
	memset(r, 0, sizeof(*r));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_RXRPC) continue;
		switch (c->cmsg_type) {
		case RXRPC_USER_CALL_ID: memcpy(&r->call_id, CMSG_DATA(c), sizeof(r->call_id)); r->have_call_id = 1; break;
		case RXRPC_ABORT: memcpy(&r->abort_code, CMSG_DATA(c), 4); r->aborted = 1; break;
		case RXRPC_NET_ERROR: memcpy(&r->error, CMSG_DATA(c), sizeof(int)); r->net_error = 1; break;
		case RXRPC_LOCAL_ERROR: memcpy(&r->error, CMSG_DATA(c), sizeof(int)); r->local_error = 1; break;
		case RXRPC_ACK: r->acked = 1; break;
		case RXRPC_NEW_CALL: r->new_call = 1; break;
		default: break;
		}
	}
}

static int run_client(int argc, char **argv)
{
	if (argc < 4) { fprintf(stderr, "usage: rxrpc-echo client HOST PORT [-s SERVICE] [-u] [-n COUNT] [-d TEXT] [-t SECONDS]\n"); return 2; }
	const char *host = argv[2];
	int port = atoi(argv[3]), service = 100, upgrade = 0, count = 1, timeout = 10;
	const char *text = "hello";
	for (int i = 4; i < argc; i++) {
		if (!strcmp(argv[i], "-s") && i + 1 < argc) service = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-u")) upgrade = 1;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc) count = atoi(argv[++i]);
		else if (!strcmp(argv[i], "-d") && i + 1 < argc) text = argv[++i];
		else if (!strcmp(argv[i], "-t") && i + 1 < argc) timeout = atoi(argv[++i]);
		else { fprintf(stderr, "unknown argument %s\n", argv[i]); return 2; }
	}
	size_t len = strlen(text);
	if (len > MAXDATA) { fprintf(stderr, "data too long\n"); return 2; }
	int fd = make_socket();
	struct sockaddr_rxrpc local;
	set_addr(&local, NULL, 0, 0);
	local.transport.sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0) { perror("bind"); return 2; }

	static unsigned char request[8 + MAXDATA + 4], reply[8 + MAXDATA + 8];
	int failures = 0;
	for (int n = 1; n <= count; n++) {
		struct sockaddr_rxrpc srx;
		set_addr(&srx, host, port, service);
		size_t rlen = 8 + ((len + 3) & ~3u);
		memset(request, 0, rlen);
		put32(request, OP_ECHO);
		put32(request + 4, (uint32_t)len);
		memcpy(request + 8, text, len);

		char control[256];
		size_t clen = 0;
		unsigned long id = (unsigned long)n;
		clen = add_cmsg(control, clen, RXRPC_USER_CALL_ID, &id, sizeof(id));
		uint32_t hard = (uint32_t)timeout;
		clen = add_cmsg(control, clen, RXRPC_SET_CALL_TIMEOUT, &hard, sizeof(hard));
		if (upgrade && n == 1) clen = add_cmsg(control, clen, RXRPC_UPGRADE_SERVICE, NULL, 0);
		struct iovec iov = { request, rlen };
		struct msghdr msg = { .msg_name = &srx, .msg_namelen = sizeof(srx), .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = control, .msg_controllen = clen };
		if (sendmsg(fd, &msg, 0) < 0) { printf("call %d: FAILED sendmsg: %s\n", n, strerror(errno)); failures++; continue; }

		size_t got = 0;
		int answered = -1, done = 0;
		while (!done) {
			struct sockaddr_rxrpc from;
			char rcontrol[256];
			struct iovec riov = { reply + got, sizeof(reply) - got };
			struct msghdr rmsg = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &riov, .msg_iovlen = 1,
					       .msg_control = rcontrol, .msg_controllen = sizeof(rcontrol) };
			ssize_t r = recvmsg(fd, &rmsg, 0);
			if (r < 0) { printf("call %d: FAILED recvmsg: %s\n", n, strerror(errno)); failures++; break; }
			struct received info;
			parse_cmsgs(&rmsg, &info);
			if (rmsg.msg_namelen >= sizeof(from) - sizeof(from.transport) && answered < 0 && from.srx_family == AF_RXRPC) answered = from.srx_service;
			got += (size_t)r;
			if (info.aborted) { printf("call %d: FAILED remote abort code %d\n", n, (int)info.abort_code); failures++; break; }
			if (info.net_error || info.local_error) { printf("call %d: FAILED %s error %d\n", n, info.net_error ? "network" : "local", info.error); failures++; break; }
			if (rmsg.msg_flags & MSG_EOR) done = 1;
		}
		if (!done) continue;
		if (got < 4 || get32(reply) > got - 4) { printf("call %d: FAILED short reply (%zu bytes)\n", n, got); failures++; continue; }
		uint32_t rl = get32(reply);
		printf("call %d: service=%d reply=%.*s\n", n, answered, (int)rl, (const char *)reply + 4);
		fflush(stdout);
	}
	return failures ? 1 : 0;
}

#define CHARGE 8

static void charge(int fd, unsigned long id)
{
	char control[128];
	size_t clen = add_cmsg(control, 0, RXRPC_USER_CALL_ID, &id, sizeof(id));
	clen = add_cmsg(control, clen, RXRPC_CHARGE_ACCEPT, NULL, 0);
	struct msghdr msg = { .msg_control = control, .msg_controllen = clen };
	if (sendmsg(fd, &msg, 0) < 0) { perror("sendmsg(RXRPC_CHARGE_ACCEPT)"); exit(2); }
}

static int run_server(int argc, char **argv)
{
	if (argc < 3) { fprintf(stderr, "usage: rxrpc-echo server PORT [-s FROM,TO] [-u] [-n COUNT]\n"); return 2; }
	int port = atoi(argv[2]), from_svc = 100, to_svc = 101, upgrade = 0, count = -1;
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "-s") && i + 1 < argc && sscanf(argv[i + 1], "%d,%d", &from_svc, &to_svc) == 2) i++;
		else if (!strcmp(argv[i], "-u")) upgrade = 1;
		else if (!strcmp(argv[i], "-n") && i + 1 < argc) count = atoi(argv[++i]);
		else { fprintf(stderr, "unknown argument %s\n", argv[i]); return 2; }
	}
	int fd = make_socket();
	struct sockaddr_rxrpc srx;
	set_addr(&srx, NULL, port, from_svc);
	srx.transport.sin.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(fd, (struct sockaddr *)&srx, sizeof(srx)) < 0) { perror("bind(from)"); return 2; }
	srx.srx_service = to_svc;
	if (bind(fd, (struct sockaddr *)&srx, sizeof(srx)) < 0) { perror("bind(to)"); return 2; }
	if (upgrade) {
		unsigned short pair[2] = { (unsigned short)from_svc, (unsigned short)to_svc };
		if (setsockopt(fd, SOL_RXRPC, RXRPC_UPGRADEABLE_SERVICE, pair, sizeof(pair)) < 0) { perror("RXRPC_UPGRADEABLE_SERVICE"); return 2; }
	}
	if (listen(fd, CHARGE) < 0) /* at most rxrpc max_backlog (10) */ { perror("listen"); return 2; }
	unsigned long next_id = 1;
	for (int i = 0; i < CHARGE; i++) charge(fd, next_id++);
	printf("server ready on port %d (services %d,%d%s)\n", port, from_svc, to_svc, upgrade ? ", upgrade pair" : "");
	fflush(stdout);

	/* Request bytes per call id (calls are served one request at a time, in order). */
	static unsigned char buf[CHARGE * 4][8 + MAXDATA + 4];
	size_t have[CHARGE * 4] = { 0 };
	int service_of[CHARGE * 4] = { 0 };
	int served = 0;
	while (count < 0 || served < count) {
		unsigned char scratch[8 + MAXDATA + 4];
		struct sockaddr_rxrpc from;
		char rcontrol[256];
		struct iovec riov = { scratch, sizeof(scratch) };
		struct msghdr rmsg = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &riov, .msg_iovlen = 1,
				       .msg_control = rcontrol, .msg_controllen = sizeof(rcontrol) };
		ssize_t r = recvmsg(fd, &rmsg, 0);
		if (r < 0) { if (errno == EINTR) continue; perror("recvmsg"); return 2; }
		struct received info;
		parse_cmsgs(&rmsg, &info);
		if (!info.have_call_id) continue;
		unsigned long slot = info.call_id % (CHARGE * 4);
		if (rmsg.msg_namelen > 0 && from.srx_family == AF_RXRPC) service_of[slot] = from.srx_service;
		if (info.aborted || info.net_error || info.local_error || info.acked || (rmsg.msg_flags & MSG_EOR)) {
			/* The call is over (final ACK, or an abort): charge a new one. */
			if (info.aborted) printf("call aborted by the peer: %d\n", (int)info.abort_code);
			have[slot] = 0;
			charge(fd, next_id++);
			continue;
		}
		if (have[slot] + (size_t)r > sizeof(buf[0])) r = (ssize_t)(sizeof(buf[0]) - have[slot]);
		memcpy(buf[slot] + have[slot], scratch, (size_t)r);
		have[slot] += (size_t)r;
		if (rmsg.msg_flags & MSG_MORE) continue;

		/* The whole request is in: reply. */
		unsigned char *req = buf[slot];
		static unsigned char out[8 + MAXDATA + 8];
		size_t olen = 0;
		char control[128];
		size_t clen = add_cmsg(control, 0, RXRPC_USER_CALL_ID, &info.call_id, sizeof(info.call_id));
		uint32_t op = have[slot] >= 4 ? get32(req) : 0;
		int svc = service_of[slot];
		if (op == OP_ECHO && have[slot] >= 8 && get32(req + 4) <= have[slot] - 8) {
			uint32_t dl = get32(req + 4);
			const char *prefix = svc == to_svc ? "UPG:" : "";
			uint32_t rl = dl + (uint32_t)strlen(prefix);
			put32(out, rl);
			memcpy(out + 4, prefix, strlen(prefix));
			memcpy(out + 4 + strlen(prefix), req + 8, dl);
			olen = 4 + ((rl + 3) & ~3u);
			memset(out + 4 + rl, 0, olen - 4 - rl);
			printf("served %d: service=%d data=%.*s\n", served + 1, svc, (int)dl, (const char *)req + 8);
		} else if (op == OP_GETCAPS) {
			put32(out, svc == to_svc ? 1 : 0);
			put32(out + 4, 1);
			olen = svc == to_svc ? 8 : 4;
			printf("served %d: service=%d GetCapabilities\n", served + 1, svc);
		} else {
			uint32_t code = (uint32_t)-455; /* RXGEN_OPCODE */
			clen = add_cmsg(control, clen, RXRPC_ABORT, &code, sizeof(code));
			printf("served %d: service=%d opcode %u aborted -455\n", served + 1, svc, op);
		}
		fflush(stdout);
		struct iovec iov = { out, olen };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = olen ? 1 : 0, .msg_control = control, .msg_controllen = clen };
		if (sendmsg(fd, &msg, 0) < 0) printf("reply failed: %s\n", strerror(errno));
		have[slot] = 0;
		served++;
	}
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc >= 2 && !strcmp(argv[1], "client")) return run_client(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "server")) return run_server(argc, argv);
	fprintf(stderr, "usage: rxrpc-echo client|server ...\n");
	return 2;
}
