/*
 * ioctl: terminals (a pseudo-terminal pair), fd flags, queue sizes, requests on the wrong files,
 * socket requests (struct ifreq and ifconf on the loopback interface and on one that is not there).
 */
#include "corpus.h"
#include <linux/fs.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/ioctl.h>
#include <termios.h>

/* An ifreq naming `name`, the rest zero. */
static struct ifreq ifreq_of(const char *name)
{
	struct ifreq r;

	memset(&r, 0, sizeof(r));
	strncpy(r.ifr_name, name, sizeof(r.ifr_name) - 1);
	return r;
}

/* Socket requests: gets on lo, failures on a missing interface (sets change nothing there). */
static void sockets(void)
{
	static const unsigned long gets[] = {
		SIOCGIFINDEX, SIOCGIFFLAGS, SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFADDR, SIOCGIFNETMASK, SIOCGIFBRDADDR,
		SIOCGIFDSTADDR, SIOCGIFMETRIC, SIOCGIFTXQLEN, SIOCGIFMAP,
	};
	int s = socket(AF_INET, SOCK_DGRAM, 0), t = socket(AF_INET, SOCK_STREAM, 0), n = 0;
	struct ifreq r;
	struct ifconf c;

	for (size_t i = 0; i < sizeof(gets) / sizeof(gets[0]); i++) {
		r = ifreq_of("lo");
		ioctl(s, gets[i], &r);
	}
	r = ifreq_of("");
	r.ifr_ifindex = 1;
	ioctl(s, SIOCGIFNAME, &r);
	r.ifr_ifindex = 0x7fffffff;
	ioctl(s, SIOCGIFNAME, &r);
	r = ifreq_of("sct-none0");
	ioctl(s, SIOCGIFINDEX, &r);
	ioctl(s, SIOCGIFFLAGS, &r);
	ioctl(s, SIOCGIFINDEX, memcpy(tail(sizeof(r), 0), &r, sizeof(r)));
	ioctl(s, SIOCGIFINDEX, unmapped());
	r.ifr_mtu = 1500;
	ioctl(s, SIOCSIFMTU, &r);
	r.ifr_flags = IFF_UP | IFF_BROADCAST | IFF_MULTICAST;
	ioctl(s, SIOCSIFFLAGS, &r);
	r = ifreq_of("sct-none0");
	r.ifr_hwaddr.sa_family = 1;
	memcpy(r.ifr_hwaddr.sa_data, "\x02\x00\x5e\x10\x20\x30", 6);
	ioctl(s, SIOCSIFHWADDR, &r);
	r = ifreq_of("sct-none0");
	strcpy(r.ifr_newname, "sct-new0");
	ioctl(s, SIOCSIFNAME, &r);
	r = ifreq_of("sct-none0");
	struct sockaddr_in *a = (struct sockaddr_in *)&r.ifr_addr;
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(0x0a000001);
	ioctl(s, SIOCSIFADDR, &r);
	c.ifc_len = 0;
	c.ifc_buf = NULL;
	ioctl(s, SIOCGIFCONF, &c);
	struct ifreq all[8];
	c.ifc_len = sizeof(all);
	c.ifc_req = all;
	ioctl(s, SIOCGIFCONF, &c);
	c.ifc_len = 4 * sizeof(struct ifreq);
	c.ifc_buf = unmapped();
	ioctl(s, SIOCGIFCONF, &c);
	ioctl(s, FIONREAD, &n);
	ioctl(s, SIOCOUTQ, &n);
	ioctl(t, SIOCATMARK, &n);
	ioctl(s, FIOSETOWN, &(int){ 0 });
	ioctl(s, FIOGETOWN, &n);
	ioctl(s, SIOCGPGRP, &n);
	close(t);
	close(s);
	/* How programs usually get there: glibc's name and index lookups. */
	char name[IF_NAMESIZE];
	if (if_nametoindex("lo") != 1 || !if_indextoname(1, name))
		exit(3);
}

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
	sockets();
	return 0;
}
