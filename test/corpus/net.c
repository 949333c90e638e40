/* Sockets: unix, IPv4, IPv6, datagrams, options, messages with iovecs and control data; packet, vsock, QRTR, XDP, MCTP, crypto API, IEEE 802.15.4, NFC, IPX and X.25 addresses. */
#include "corpus.h"
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/icmp.h>
#include <linux/if_alg.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <linux/mctp.h>
#include <linux/qrtr.h>
#include <linux/vm_sockets.h>
#include <linux/netlink.h>
#include <stddef.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

static void unix_pair(void)
{
	int sv[2], fd = open("/dev/null", O_RDONLY);
	char buf[64], cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov[2] = { { "hello", 5 }, { ", world", 7 } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	sendmsg(sv[0], &m, 0);
	struct iovec in = { buf, sizeof(buf) };
	struct msghdr r = { .msg_iov = &in, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	recvmsg(sv[1], &r, MSG_CMSG_CLOEXEC);
	send(sv[0], "abc", 3, MSG_DONTWAIT);
	recv(sv[1], buf, sizeof(buf), MSG_PEEK);
	recv(sv[1], buf, sizeof(buf), 0);
	recv(sv[1], buf, sizeof(buf), MSG_DONTWAIT);
	shutdown(sv[0], SHUT_WR);
	close(sv[0]);
	close(sv[1]);
	close(fd);
}

static void unix_stream(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX, .sun_path = "sock" }, p;
	socklen_t len = sizeof(p);
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int c = socket(AF_UNIX, SOCK_STREAM, 0);

	bind(l, (struct sockaddr *)&a, sizeof(a));
	bind(l, (struct sockaddr *)&a, sizeof(a));
	listen(l, 5);
	connect(c, (struct sockaddr *)&a, offsetof(struct sockaddr_un, sun_path) + 5);
	int s = accept(l, (struct sockaddr *)&p, &len);
	len = sizeof(p);
	getsockname(c, (struct sockaddr *)&p, &len);
	len = sizeof(p);
	getpeername(c, (struct sockaddr *)&p, &len);
	write(c, "ping", 4);
	char buf[8];
	read(s, buf, sizeof(buf));
	close(s);
	close(c);
	close(l);
	unlink("sock");
	struct sockaddr_un abs = { .sun_family = AF_UNIX, .sun_path = "\0abstract" };
	int d = socket(AF_UNIX, SOCK_DGRAM, 0);
	bind(d, (struct sockaddr *)&abs, offsetof(struct sockaddr_un, sun_path) + 9);
	close(d);
}

static void inet(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(0) }, b;
	socklen_t len = sizeof(b);
	int one = 1, val;
	char buf[32];
	int u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	setsockopt(u, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(u, SOL_SOCKET, SO_RCVBUF, &one, sizeof(one));
	len = sizeof(val);
	getsockopt(u, SOL_SOCKET, SO_TYPE, &val, &len);
	len = sizeof(val);
	getsockopt(u, SOL_SOCKET, SO_ERROR, &val, &len);
	setsockopt(u, IPPROTO_IP, IP_TOS, &one, sizeof(one));
	bind(u, (struct sockaddr *)&a, sizeof(a));
	len = sizeof(b);
	getsockname(u, (struct sockaddr *)&b, &len);
	sendto(u, "datagram", 8, 0, (struct sockaddr *)&b, sizeof(b));
	len = sizeof(a);
	recvfrom(u, buf, sizeof(buf), 0, (struct sockaddr *)&a, &len);
	sendto(u, "x", 1, 0, NULL, 0);
	close(u);
	int t = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(t, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	a.sin_port = htons(1);
	connect(t, (struct sockaddr *)&a, sizeof(a));
	close(t);
	socket(AF_INET, SOCK_RAW, 9999);
	socket(12345, SOCK_STREAM, 0);
}

static void inet6(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(1) };
	int s = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);

	inet_pton(AF_INET6, "::1", &a.sin6_addr);
	connect(s, (struct sockaddr *)&a, sizeof(a));
	inet_pton(AF_INET6, "fe80::1:2", &a.sin6_addr);
	a.sin6_scope_id = 1;
	connect(s, (struct sockaddr *)&a, sizeof(a));
	close(s);
}

/*
 * Option values strace decodes as structs, at lengths short of them, exact and past them, in
 * values that end where the mapped memory does (strace reads only what it shows).
 */
static void sockopt_values(void)
{
	int sv[2], u = socket(AF_INET, SOCK_DGRAM, 0), nl = socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE);
	int *i = tail(sizeof(int), 0);
	struct linger *l = tail(sizeof(*l), 0);
	socklen_t *len = tail(sizeof(*len), 0);
	struct ipv6_mreq *m6 = tail(sizeof(*m6), 0);
	struct packet_mreq *pm = tail(sizeof(*pm), 0xff);
	struct tpacket_req *ring = tail(sizeof(*ring), 0xff);
	struct icmp_filter *f = tail(sizeof(*f), 0);
	__u32 *groups = tail(sizeof(*groups), 0);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	*i = 7;
	setsockopt(sv[0], SOL_SOCKET, SO_RCVLOWAT, i, sizeof(*i) + 1);
	setsockopt(sv[0], SOL_SOCKET, SO_RCVLOWAT, i, sizeof(*i) - 1);
	setsockopt(nl, SOL_NETLINK, NETLINK_NO_ENOBUFS, i, sizeof(*i) + 1);
	*len = sizeof(*i) - 1;
	getsockopt(sv[0], SOL_SOCKET, SO_RCVLOWAT, i, len);
	l->l_onoff = 1;
	l->l_linger = 5;
	setsockopt(sv[0], SOL_SOCKET, SO_LINGER, l, sizeof(*l) + 1);
	for (socklen_t n = 3; n <= sizeof(*l); n++) {
		*len = n;
		getsockopt(sv[0], SOL_SOCKET, SO_LINGER, l, len);
	}
	struct ucred *cred = tail(sizeof(*cred), 0);
	for (socklen_t n = 2; n <= sizeof(*cred) + 1; n += 3) {
		*len = n;
		getsockopt(sv[0], SOL_SOCKET, SO_PEERCRED, cred, len);
	}
	*len = 2;
	getsockopt(u, SOL_SOCKET, SO_ERROR, i, len);
	/* A classic BPF program as its struct sock_fprog (the instructions only under -v), read back. */
	struct sock_filter accept = BPF_STMT(BPF_RET | BPF_K, 0xffff);
	struct sock_fprog *prog = tail(sizeof(*prog), 0);
	prog->len = 1;
	prog->filter = &accept;
	setsockopt(u, SOL_SOCKET, SO_ATTACH_FILTER, prog, sizeof(*prog));
	setsockopt(u, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, prog, sizeof(*prog) - 4);
	*len = 0;
	getsockopt(u, SOL_SOCKET, SO_GET_FILTER, NULL, len);
	setsockopt(u, SOL_SOCKET, SO_DETACH_FILTER, NULL, 0);
	inet_pton(AF_INET6, "ff02::5", &m6->ipv6mr_multiaddr);
	m6->ipv6mr_interface = 1;
	setsockopt(u, SOL_IPV6, IPV6_ADD_MEMBERSHIP, m6, 0x7fff);
	setsockopt(u, SOL_IPV6, IPV6_ADD_MEMBERSHIP, m6, sizeof(*m6) - 1);
	pm->mr_type = PACKET_MR_PROMISC;
	pm->mr_alen = 6;
	setsockopt(-1, SOL_PACKET, PACKET_ADD_MEMBERSHIP, pm, sizeof(*pm));
	pm->mr_type = 9;
	pm->mr_alen = 12;
	setsockopt(-1, SOL_PACKET, PACKET_DROP_MEMBERSHIP, pm, sizeof(*pm));
	setsockopt(-1, SOL_PACKET, PACKET_DROP_MEMBERSHIP, pm, sizeof(*pm) - 2);
	ring->tp_block_nr = 2;
	setsockopt(-1, SOL_PACKET, PACKET_RX_RING, ring, sizeof(*ring));
	setsockopt(-1, SOL_PACKET, PACKET_TX_RING, ring, sizeof(*ring) + 4);
	f->data = 1 << ICMP_ECHO | 1 << ICMP_TIMESTAMP | 1 << 20;
	setsockopt(-1, SOL_RAW, ICMP_FILTER, f, sizeof(*f));
	f->data = ~f->data;
	setsockopt(-1, SOL_RAW, ICMP_FILTER, f, sizeof(*f) * 2);
	setsockopt(-1, SOL_RAW, ICMP_FILTER, f, 2);
	*i = 1; /* RTNLGRP_LINK: the list has a group now, and the length it needs is past the buffer */
	setsockopt(nl, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, i, sizeof(*i));
	for (socklen_t n = 3; n <= 4; n++) {
		*len = n;
		getsockopt(nl, SOL_NETLINK, NETLINK_LIST_MEMBERSHIPS, groups, len);
	}
	close(nl);
	close(u);
	close(sv[0]);
	close(sv[1]);
}

/* Addresses of the other families strace spells out, given to connect on fd -1. */
static void families(void)
{
	struct sockaddr_ll ll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP), .sll_ifindex = 1, .sll_hatype = 1,
				  .sll_pkttype = PACKET_BROADCAST, .sll_halen = 6, .sll_addr = { 0xde, 0xad, 0, 1, 2, 3 } };
	connect(-1, (struct sockaddr *) &ll, sizeof(ll));
	connect(-1, (struct sockaddr *) &ll, 14);
	struct sockaddr_vm vm = { .svm_family = AF_VSOCK, .svm_port = 1024, .svm_cid = VMADDR_CID_HOST };
	connect(-1, (struct sockaddr *) &vm, sizeof(vm));
	vm.svm_cid = 42;
	vm.svm_port = VMADDR_PORT_ANY;
	vm.svm_flags = VMADDR_FLAG_TO_HOST;
	connect(-1, (struct sockaddr *) &vm, sizeof(vm));
	struct sockaddr_qrtr qr = { .sq_family = AF_QIPCRTR, .sq_node = 7, .sq_port = QRTR_PORT_CTRL };
	connect(-1, (struct sockaddr *) &qr, sizeof(qr));
	struct sockaddr_xdp xdp = { .sxdp_family = AF_XDP, .sxdp_flags = XDP_ZEROCOPY | XDP_USE_NEED_WAKEUP, .sxdp_ifindex = 1, .sxdp_queue_id = 3 };
	connect(-1, (struct sockaddr *) &xdp, sizeof(xdp));
	xdp.sxdp_flags = XDP_SHARED_UMEM;
	xdp.sxdp_shared_umem_fd = 5;
	connect(-1, (struct sockaddr *) &xdp, sizeof(xdp));
	struct sockaddr_mctp mctp = { .smctp_family = AF_MCTP, .smctp_network = MCTP_NET_ANY, .smctp_addr = { .s_addr = 9 }, .smctp_type = 1, .smctp_tag = MCTP_TAG_OWNER };
	connect(-1, (struct sockaddr *) &mctp, sizeof(mctp));
	struct sockaddr_alg alg = { .salg_family = AF_ALG, .salg_type = "hash", .salg_name = "sha256" };
	connect(-1, (struct sockaddr *) &alg, sizeof(alg));
	struct { unsigned short family; int addr_type; unsigned short pan_id; unsigned char a[10]; } ieee = { .family = AF_IEEE802154, .addr_type = 2, .pan_id = 0xffff, .a = { 0xfe, 0xff } };
	connect(-1, (struct sockaddr *) &ieee, 20);
	ieee.addr_type = 3;
	ieee.pan_id = 0x1234;
	connect(-1, (struct sockaddr *) &ieee, 20);
	struct { unsigned short family; unsigned int dev, target, proto; unsigned char dsap, ssap; char name[63]; unsigned long long len; } nfc =
		{ .family = AF_NFC, .dev = 1, .target = 2, .proto = 5, .dsap = 1, .ssap = 0x20, .name = "urn:nfc:sn:snep", .len = 15 };
	connect(-1, (struct sockaddr *) &nfc, 16);
	connect(-1, (struct sockaddr *) &nfc, 40);
	connect(-1, (struct sockaddr *) &nfc, 96);
	struct { unsigned short family; unsigned short port; unsigned int net; unsigned char node[6], type, zero; } ipx =
		{ .family = AF_IPX, .port = htons(0x451), .net = htonl(0xc0ffee), .node = { 0, 1, 0xaa }, .type = 4 };
	connect(-1, (struct sockaddr *) &ipx, 16);
	struct { unsigned short family; char addr[16]; } x25 = { .family = AF_X25, .addr = "31337" };
	connect(-1, (struct sockaddr *) &x25, sizeof(x25));
	/* AX.25: "N0CALL" shifted left, SSID 5; a digipeater, then an empty one. */
	unsigned char ax25[72] = { AF_AX25, 0, 'N' << 1, '0' << 1, 'C' << 1, 'A' << 1, 'L' << 1, 'L' << 1, 5 << 1 };
	connect(-1, (struct sockaddr *) ax25, 16);
	ax25[12] = 2;
	memcpy(ax25 + 16, (unsigned char[]) { 'R' << 1, 'E' << 1, 'L' << 1, 'A' << 1, 'Y' << 1, ' ' << 1, 1 << 1 }, 7);
	connect(-1, (struct sockaddr *) ax25, 30);
	connect(-1, (struct sockaddr *) ax25, 26);
	alg.salg_feat = 0x1000;
	connect(-1, (struct sockaddr *) &alg, 30);
}

int main(int argc, char **argv)
{
	enter_dir(argc, argv);
	unix_pair();
	unix_stream();
	inet();
	inet6();
	sockopt_values();
	connect(-1, NULL, 0);
	families();
	accept(-1, NULL, NULL);
	return 0;
}
