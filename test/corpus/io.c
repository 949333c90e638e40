/* Data transfer: read/write families, vectors, pipes, splicing, polling, eventfd, epoll. */
#include "corpus.h"
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/uio.h>

int main(int argc, char **argv)
{
	char buf[128], big[100];
	int p[2], q[2], fd, ep, ev;
	struct iovec iov[2] = { { buf, 5 }, { buf + 5, 64 } };
	struct iovec out[2] = { { "vec", 3 }, { "tor\n", 4 } };

	enter_dir(argc, argv);
	memset(big, 'z', sizeof(big));
	fd = open("data", O_RDWR | O_CREAT | O_TRUNC, 0600);
	write(fd, "0123456789abcdef\n", 17);
	write(fd, big, sizeof(big));
	write(fd, "\x00\x01\x7f\xff\"\\\t\r\v\f", 10);
	pwrite(fd, "PW", 2, 3);
	writev(fd, out, 2);
	pwritev(fd, out, 2, 0);
	lseek(fd, 0, SEEK_SET);
	read(fd, buf, 16);
	read(fd, buf, sizeof(buf));
	pread(fd, buf, 4, 1000);
	readv(fd, iov, 2);
	preadv(fd, iov, 2, 0);
	/* A failed output call's array (no data), an empty one, and one whose end is unmapped. */
	preadv(fd, iov, 1, -1);
	preadv(fd, iov, 0, -3);
	struct iovec *half = tail(sizeof(*half), 0);
	*half = (struct iovec){ buf, 8 };
	preadv(fd, half, 2, 0);
	/* Local iovecs with data, remote ones as addresses; process_madvise's ranges. */
	char remote[16] = "remote bytes";
	struct iovec rv[2] = { { remote, 6 }, { remote + 6, 6 } };
	struct iovec lv[1] = { { buf, 12 } };
	syscall(SYS_process_vm_readv, getpid(), lv, 1, rv, 2, 0);
	syscall(SYS_process_vm_writev, getpid(), out, 2, rv, 2, 0);
	syscall(SYS_process_vm_readv, getpid(), lv, 0, rv, 0, 0);
	syscall(SYS_process_vm_readv, getpid(), half, 2, rv, 2, 0);
	syscall(SYS_process_madvise, -1, rv, 2, MADV_NORMAL, 0);
	syscall(SYS_process_madvise, -1, rv, 0, MADV_NORMAL, 0);
	read(-1, buf, 1);
	read(fd, unmapped(), 10);
	write(fd, unmapped(), 10);
	write(1, "to stdout\n", 10);
	pipe(p);
	pipe2(q, O_CLOEXEC | O_NONBLOCK);
	write(p[1], "pipe data", 9);
	read(q[0], buf, sizeof(buf));
	splice(p[0], NULL, q[1], NULL, 4, 0);
	tee(q[0], p[1], 4, SPLICE_F_NONBLOCK);
	vmsplice(p[1], out, 2, 0);
	read(p[0], buf, sizeof(buf));
	lseek(fd, 0, SEEK_SET);
	sendfile(q[1], fd, NULL, 8);
	/* File offsets: sendfile's before and after, splice's and copy_file_range's as given. */
	off_t so = 2;
	sendfile(q[1], fd, &so, 4);
	sendfile(q[1], fd, &so, 0);
	copy_file_range(fd, NULL, fd, NULL, 0, 0);
	loff_t ci = 0, co = 100;
	copy_file_range(fd, &ci, fd, &co, 4, 0);
	loff_t sp = 1;
	write(p[1], "xy", 2);
	splice(p[0], NULL, fd, &sp, 2, 0);
	dup(fd);
	dup2(fd, 9);
	dup3(fd, 8, O_CLOEXEC);
	close(8);
	close(9);
	struct pollfd pfd[2] = { { q[0], POLLIN, 0 }, { p[1], POLLOUT, 0 } };
	poll(pfd, 2, 0);
	poll(NULL, 0, 1);
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(q[0], &rd);
	struct timeval tv = { 0, 0 };
	select(q[0] + 1, &rd, NULL, NULL, &tv);
	/*
	 * The select syscall itself (glibc's select is pselect6): sets and timeout in, ready sets and
	 * time left out. Timeouts that expire show the value given (the kernel leaves 0 behind); a
	 * call that returns at once leaves a time that differs between runs, so those pass 0.
	 */
	fd_set wr;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	FD_SET(q[0], &rd);
	FD_ZERO(&wr);
	FD_SET(p[1], &wr);
	FD_SET(q[1], &wr);
	struct timeval tv0 = { 0, 0 };
	syscall(SYS_select, q[1] + 1, &rd, &wr, NULL, &tv0);
	FD_ZERO(&rd);
	FD_SET(q[0], &rd);
	syscall(SYS_select, q[0] + 1, &rd, NULL, NULL, NULL);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	struct timeval tv1 = { 0, 1 };
	syscall(SYS_select, p[0] + 1, &rd, NULL, NULL, &tv1);
	struct timespec ts1 = { 0, 1000 };
	syscall(SYS_pselect6, p[0] + 1, &rd, NULL, NULL, &ts1, NULL);
	/* pselect6's sigmask pair: a mask, an empty one, a size the kernel refuses, no mask, an unreadable pair. */
	sigset_t hup;
	sigemptyset(&hup);
	sigaddset(&hup, SIGHUP);
	struct { const sigset_t *ss; size_t len; } sm = { &hup, 8 };
	struct timespec tz = { 0, 0 };
	syscall(SYS_pselect6, 0, NULL, NULL, NULL, &tz, &sm);
	sigset_t none;
	sigemptyset(&none);
	sm.ss = &none;
	syscall(SYS_pselect6, 0, NULL, NULL, NULL, &tz, &sm);
	sm.len = 16;
	syscall(SYS_pselect6, 0, NULL, NULL, NULL, &tz, &sm);
	sm.ss = NULL;
	sm.len = 8;
	syscall(SYS_pselect6, 0, NULL, NULL, NULL, &tz, &sm);
	syscall(SYS_pselect6, 0, NULL, NULL, NULL, &tz, (char *)tail(8, 0));
	struct pollfd one = { p[0], POLLIN, 0 };
	ts1.tv_nsec = 1000;
	ppoll(&one, 1, &ts1, NULL);
	struct timespec ts0 = { 0, 0 };
	one.fd = q[0];
	ppoll(&one, 1, &ts0, NULL);
	/* An array of nfds elements, negative fds (ignored: no events shown) among them. */
	struct pollfd many[12];
	for (int i = 0; i < 12; i++)
		many[i] = (struct pollfd){ i == 5 ? q[0] : -1, POLLIN, 0 };
	ppoll(many, 12, &ts0, NULL);
	poll(many, 12, 0);
	/*
	 * nfds is an unsigned int: the kernel ignores the register's upper half, and so must the
	 * read of the pollfds, here at the end of a mapped page.
	 */
	struct pollfd *edge = tail(2 * sizeof(*edge), 0);
	edge[0] = (struct pollfd){ p[0], POLLIN, 0 };
	edge[1] = (struct pollfd){ q[0], POLLIN | POLLPRI, 0 };
	syscall(SYS_ppoll, edge, 0xffffffff00000002ULL, &ts0, NULL, 8);
	syscall(SYS_poll, edge, 0xbadc0ded00000002ULL, 0);
	ev = eventfd(3, EFD_CLOEXEC | EFD_NONBLOCK);
	uint64_t v;
	read(ev, &v, sizeof(v));
	read(ev, &v, sizeof(v));
	v = 7;
	write(ev, &v, sizeof(v));
	ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event e = { .events = EPOLLIN | EPOLLET, .data.u64 = 42 };
	epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e);
	epoll_ctl(ep, EPOLL_CTL_MOD, ev, &e);
	epoll_wait(ep, &e, 1, 0);
	epoll_ctl(ep, EPOLL_CTL_DEL, ev, NULL);
	epoll_wait(ep, &e, 1, 0);
	close(ep);
	close(ev);
	close(p[0]);
	close(p[1]);
	close(q[0]);
	close(q[1]);
	close(fd);
	unlink("data");
	return 0;
}
