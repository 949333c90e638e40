/*
 * families: one system call family in a loop, to price the kernel reads behind its arguments
 * (bench/reads.ts). Sets up what the calls need, prints {"pid":PID}, waits for a line on stdin (a
 * tracer attaches meanwhile), makes 1000 warm-up calls and N timed ones, and prints
 * {"family":"F","calls":N,"ns_per_call":X}. Every call must succeed (or fail as planned): a
 * surprise exits 1, so a figure is never of a call that did something else.
 *
 * Families (the syscalls a trace of each selects are listed in bench/reads.ts):
 *   getppid  no argument read: the record alone
 *   path     faccessat of a 40-byte path that does not exist (one string)
 *   read     read of 256 bytes from /dev/zero (the buffer, at exit)
 *   ioctl    FIONREAD on a pipe (the int behind the argument, at exit)
 *   writev   writev of 4 iovecs of 64 bytes to /dev/null (the array and each element's data)
 *   sendmsg  sendmsg of 2 iovecs on a unix datagram socketpair, and its recvmsg (msghdr walks)
 *   netlink  sendto of an NLMSG_NOOP on a NETLINK_ROUTE socket (the fd's socket family is
 *            looked up in the kernel; the message is read whole)
 *
 * usage: families FAMILY N
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "clock.h"

static const char *family;
static int fd_a = -1, fd_b = -1;
static char buf[4096];
static struct iovec iov[4];
static struct sockaddr_nl kernel_nl = { .nl_family = AF_NETLINK };
static struct nlmsghdr noop = { .nlmsg_len = sizeof(struct nlmsghdr), .nlmsg_type = NLMSG_NOOP, .nlmsg_flags = NLM_F_REQUEST };

static void fail(const char *what)
{
	perror(what);
	exit(1);
}

static void setup(void)
{
	int p[2], sv[2];

	for (int i = 0; i < 4; i++) {
		iov[i].iov_base = buf + 64 * i;
		iov[i].iov_len = 64;
	}
	if (!strcmp(family, "read")) {
		if ((fd_a = open("/dev/zero", O_RDONLY)) < 0)
			fail("open /dev/zero");
	} else if (!strcmp(family, "ioctl")) {
		if (pipe(p))
			fail("pipe");
		fd_a = p[0];
	} else if (!strcmp(family, "writev")) {
		if ((fd_a = open("/dev/null", O_WRONLY)) < 0)
			fail("open /dev/null");
	} else if (!strcmp(family, "sendmsg")) {
		if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
			fail("socketpair");
		fd_a = sv[0];
		fd_b = sv[1];
	} else if (!strcmp(family, "netlink")) {
		if ((fd_a = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE)) < 0)
			fail("socket AF_NETLINK");
	} else if (strcmp(family, "getppid") && strcmp(family, "path")) {
		fprintf(stderr, "families: unknown family %s\n", family);
		exit(2);
	}
}

static void once(void)
{
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 2 };
	int n;

	if (!strcmp(family, "getppid")) {
		getppid();
	} else if (!strcmp(family, "path")) {
		if (faccessat(AT_FDCWD, "/nonexistent/sctrace/bench/families/path", F_OK, 0) == 0)
			fail("faccessat succeeded");
	} else if (!strcmp(family, "read")) {
		if (read(fd_a, buf, 256) != 256)
			fail("read");
	} else if (!strcmp(family, "ioctl")) {
		if (ioctl(fd_a, FIONREAD, &n))
			fail("ioctl FIONREAD");
	} else if (!strcmp(family, "writev")) {
		if (writev(fd_a, iov, 4) != 256)
			fail("writev");
	} else if (!strcmp(family, "sendmsg")) {
		if (sendmsg(fd_a, &msg, 0) != 128)
			fail("sendmsg");
		if (recvmsg(fd_b, &msg, 0) != 128)
			fail("recvmsg");
	} else if (!strcmp(family, "netlink")) {
		if (sendto(fd_a, &noop, sizeof(noop), 0, (struct sockaddr *)&kernel_nl, sizeof(kernel_nl)) != (ssize_t)sizeof(noop))
			fail("sendto netlink");
	}
}

int main(int argc, char **argv)
{
	char line[64];
	long n;
	long long t0, t1;

	if (argc != 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: families FAMILY N\n");
		return 2;
	}
	family = argv[1];
	setup();
	printf("{\"pid\":%d}\n", getpid());
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	for (int i = 0; i < 1000; i++)
		once();
	t0 = now_ns();
	for (long i = 0; i < n; i++)
		once();
	t1 = now_ns();
	printf("{\"family\":\"%s\",\"calls\":%ld,\"ns_per_call\":%.1f}\n", family, n, (double)(t1 - t0) / n);
	return 0;
}
