/* Data transfer: read/write families, vectors, pipes, splicing, polling, eventfd, epoll. */
#include "corpus.h"
#include <poll.h>
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
	copy_file_range(fd, NULL, fd, NULL, 0, 0);
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
