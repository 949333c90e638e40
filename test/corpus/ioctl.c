/* ioctl: terminals (a pseudo-terminal pair), fd flags, queue sizes, requests on the wrong files. */
#include "corpus.h"
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <termios.h>

int main(int argc, char **argv)
{
	struct termios t;
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };
	int n = 0, p[2];

	enter_dir(argc, argv);
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	grantpt(m);
	unlockpt(m);
	int ptn;
	ioctl(m, TIOCGPTN, &ptn);
	int s = open(ptsname(m), O_RDWR | O_NOCTTY);
	ioctl(s, TCGETS, &t);
	t.c_lflag &= ~ECHO;
	ioctl(s, TCSETS, &t);
	ioctl(s, TCSETSW, &t);
	ioctl(s, TIOCSWINSZ, &ws);
	ioctl(s, TIOCGWINSZ, &ws);
	/* Arguments that end where their page does: read at the request's size, not more. */
	ioctl(s, TIOCGWINSZ, tail(sizeof(ws), 0));
	ioctl(s, TIOCSWINSZ, memcpy(tail(sizeof(ws), 0), &ws, sizeof(ws)));
	ioctl(m, TIOCGPTN, tail(sizeof(int), 0));
	ioctl(s, TIOCOUTQ, tail(sizeof(int), 0));
	ioctl(s, TCGETS, tail(sizeof(t), 0));
	ioctl(s, TCFLSH, TCIFLUSH);
	ioctl(s, TIOCOUTQ, &n);
	ioctl(s, FIONREAD, &n);
	ioctl(s, TIOCGPGRP, &n);
	ioctl(s, TIOCEXCL);
	ioctl(s, TIOCNXCL);
	ioctl(s, TCXONC, TCOON);
	ioctl(s, TCSBRK, 1);
	tcgetattr(s, &t);
	isatty(s);
	close(s);
	close(m);
	pipe(p);
	write(p[1], "abc", 3);
	ioctl(p[0], FIONREAD, &n);
	ioctl(p[0], FIONBIO, &(int){ 1 });
	ioctl(p[0], FIOCLEX);
	ioctl(p[0], FIONCLEX);
	ioctl(p[0], FIOASYNC, &(int){ 0 });
	ioctl(p[0], TCGETS, &t);
	ioctl(p[0], TIOCGWINSZ, &ws);
	close(p[0]);
	close(p[1]);
	int fd = open("f", O_RDWR | O_CREAT | O_TRUNC, 0600);
	ioctl(fd, FS_IOC_GETFLAGS, &n);
	ioctl(fd, FIGETBSZ, &n);
	ioctl(fd, BLKGETSIZE64, &n);
	ioctl(fd, BLKSSZGET, &n);
	ioctl(fd, FIBMAP, &n);
	ioctl(fd, FICLONE, 0);
	ioctl(fd, 0x12345678, 0);
	ioctl(fd, _IOR('X', 1, int), &n);
	ioctl(-1, TCGETS, &t);
	ioctl(fd, TCGETS, unmapped());
	close(fd);
	unlink("f");
	return 0;
}
