/*
 * Netlink: route (links, addresses), sock_diag and generic family queries, then requests of
 * other families and message types sent without reading the replies (which vary by host):
 * only dump and get requests, or messages the kernel refuses, so the host is left unchanged.
 */
#include "corpus.h"
#include <linux/genetlink.h>
#include <linux/fib_rules.h>
#include <linux/if_link.h>
#include <linux/inet_diag.h>
#include <linux/neighbour.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netlink_diag.h>
#include <linux/pkt_sched.h>
#include <linux/selinux_netlink.h>
#include <linux/xfrm.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <sys/socket.h>
#include <netinet/in.h>

static char reply[32768];

static void ask(int proto, void *req, size_t len)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);

	bind(s, (struct sockaddr *)&nl, sizeof(nl));
	sendto(s, req, len, 0, (struct sockaddr *)&nl, sizeof(nl));
	/* Replies vary by host; only the first one is read. */
	recv(s, reply, sizeof(reply), MSG_DONTWAIT);
	close(s);
}

/*
 * Sends `len` bytes at `req` on a new socket of `proto`, without reading a reply. The socket is
 * bound: strace learns an fd's netlink protocol from sock_diag, which lists bound sockets only.
 */
static void tell(int proto, const void *req, size_t len)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, proto);

	bind(s, (struct sockaddr *)&nl, sizeof(nl));
	sendto(s, req, len, MSG_DONTWAIT, NULL, 0);
	close(s);
}

/* A netlink message at `buf`: header, `hlen` bytes of family header, then `alen` bytes of attributes. */
static size_t message(char *buf, int type, int flags, const void *head, size_t hlen, const void *attrs, size_t alen)
{
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	size_t len = NLMSG_HDRLEN + NLMSG_ALIGN(hlen) + alen;

	memset(buf, 0, len);
	*h = (struct nlmsghdr){ .nlmsg_len = len, .nlmsg_type = type, .nlmsg_flags = flags, .nlmsg_seq = 7 };
	memcpy(buf + NLMSG_HDRLEN, head, hlen);
	memcpy(buf + NLMSG_HDRLEN + NLMSG_ALIGN(hlen), attrs, alen);
	return len;
}

/* An attribute of `type` holding `len` bytes at `data`; returns its aligned size. */
static size_t attr(char *at, int type, const void *data, size_t len)
{
	struct nlattr *a = (struct nlattr *)at;

	a->nla_len = NLA_HDRLEN + len;
	a->nla_type = type;
	memcpy(at + NLA_HDRLEN, data, len);
	return NLA_ALIGN(a->nla_len);
}

static void others(void)
{
	static char buf[512];
	char at[256], inner[64];
	size_t n, k;
	uint32_t u = 1;

	/* RTM_GETLINK with IFLA_AF_SPEC (AF_INET6's address generation mode, AF_UNIX in hex) and IFLA_EXT_MASK. */
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_type = 772, .ifi_flags = 1 };
	uint8_t mode = 1;
	k = attr(inner, IFLA_INET6_ADDR_GEN_MODE, &mode, 1);
	n = attr(at, AF_INET6, inner, k);
	n += attr(at + n, AF_UNIX, "abc", 3);
	memmove(at + NLA_HDRLEN, at, n);
	((struct nlattr *)at)->nla_len = NLA_HDRLEN + n;
	((struct nlattr *)at)->nla_type = IFLA_AF_SPEC;
	n += NLA_HDRLEN;
	n += attr(at + n, IFLA_EXT_MASK, &u, 4);
	tell(NETLINK_ROUTE, buf, message(buf, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, &ifi, sizeof(ifi), at, n));
	/* Routes with a TOS and RTM_F_NOTIFY, neighbours, rules, qdiscs, statistics, netconf, next hops. */
	struct rtmsg rtm = { .rtm_family = AF_INET, .rtm_tos = 0x10, .rtm_table = RT_TABLE_MAIN, .rtm_protocol = RTPROT_STATIC, .rtm_type = RTN_UNICAST, .rtm_flags = RTM_F_NOTIFY };
	tell(NETLINK_ROUTE, buf, message(buf, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, &rtm, sizeof(rtm), NULL, 0));
	struct ndmsg ndm = { .ndm_family = AF_INET, .ndm_state = NUD_REACHABLE, .ndm_flags = NTF_ROUTER, .ndm_type = RTN_UNICAST };
	uint8_t lo[4] = { 127, 0, 0, 1 };
	n = attr(at, NDA_DST, lo, 4);
	tell(NETLINK_ROUTE, buf, message(buf, RTM_GETNEIGH, NLM_F_REQUEST | NLM_F_DUMP, &ndm, sizeof(ndm), at, n));
	struct fib_rule_hdr frh = { .family = AF_INET, .table = RT_TABLE_MAIN, .action = FR_ACT_TO_TBL };
	tell(NETLINK_ROUTE, buf, message(buf, RTM_GETRULE, NLM_F_REQUEST | NLM_F_DUMP, &frh, sizeof(frh), NULL, 0));
	struct tcmsg tcm = { .tcm_family = AF_UNSPEC, .tcm_handle = 0x10000 };
	n = attr(at, TCA_KIND, "pfifo", 6);
	tell(NETLINK_ROUTE, buf, message(buf, RTM_GETQDISC, NLM_F_REQUEST | NLM_F_DUMP, &tcm, sizeof(tcm), at, n));
	struct if_stats_msg ifs = { .family = AF_UNSPEC, .filter_mask = 1 << IFLA_STATS_LINK_64 | 1 << IFLA_STATS_LINK_XSTATS };
	tell(NETLINK_ROUTE, buf, message(buf, RTM_GETSTATS, NLM_F_REQUEST | NLM_F_DUMP, &ifs, sizeof(ifs), NULL, 0));
	struct { uint8_t family; } ncm = { AF_INET };
	int32_t all = -1;
	n = attr(at, 1 /* NETCONFA_IFINDEX */, &all, 4);
	tell(NETLINK_ROUTE, buf, message(buf, RTM_GETNETCONF, NLM_F_REQUEST | NLM_F_DUMP, &ncm, sizeof(ncm), at, n));
	uint8_t nh[8] = { AF_INET };
	tell(NETLINK_ROUTE, buf, message(buf, RTM_GETNEXTHOP, NLM_F_REQUEST | NLM_F_DUMP, nh, sizeof(nh), NULL, 0));
	/* A type strace has no header for: the family and the bytes after it. */
	uint8_t fam[3] = { AF_INET, 0xab, 0xcd };
	tell(NETLINK_ROUTE, buf, message(buf, RTM_NEWPREFIX, NLM_F_REQUEST, fam, 3, NULL, 0));
	/* sock_diag: TCP listeners, netlink sockets. */
	struct inet_diag_req_v2 inet = { .sdiag_family = AF_INET, .sdiag_protocol = IPPROTO_TCP, .idiag_states = 1 << 10,
					 .id = { .idiag_sport = htons(80), .idiag_src = { htonl(0x7f000001) }, .idiag_cookie = { -1U, -1U } } };
	tell(NETLINK_SOCK_DIAG, buf, message(buf, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, &inet, sizeof(inet), NULL, 0));
	struct netlink_diag_req nd = { .sdiag_family = AF_NETLINK, .sdiag_protocol = NDIAG_PROTO_ALL, .ndiag_show = NDIAG_SHOW_GROUPS };
	tell(NETLINK_SOCK_DIAG, buf, message(buf, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, &nd, sizeof(nd), NULL, 0));
	/* netfilter (a conntrack dump request), xfrm (a dump of SAs), selinux (which refuses). */
	struct nfgenmsg nfg = { .nfgen_family = AF_INET, .version = NFNETLINK_V0 };
	tell(NETLINK_NETFILTER, buf, message(buf, NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_GET, NLM_F_REQUEST | NLM_F_DUMP, &nfg, sizeof(nfg), NULL, 0));
	tell(NETLINK_NETFILTER, buf, message(buf, NFNL_MSG_BATCH_BEGIN, NLM_F_REQUEST, &nfg, sizeof(nfg), NULL, 0));
	tell(NETLINK_XFRM, buf, message(buf, XFRM_MSG_GETSA, NLM_F_REQUEST | NLM_F_DUMP, NULL, 0, NULL, 0));
	struct selnl_msg_setenforce se = { 1 };
	tell(NETLINK_SELINUX, buf, message(buf, SELNL_MSG_SETENFORCE, NLM_F_REQUEST, &se, sizeof(se), NULL, 0));
	/*
	 * A message whose last attribute's payload lies in an unmapped page: the call fails with
	 * EFAULT, and strace prints what it could read, the rest as its address.
	 */
	n = message(buf, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, &ifi, sizeof(ifi), NULL, 0);
	k = attr(buf + n, IFLA_MTU, &u, 4);
	((struct nlmsghdr *)buf)->nlmsg_len = n + k;
	char *end = tail(n + k - 4, 0);
	memcpy(end, buf, n + k - 4);
	tell(NETLINK_ROUTE, end, n + k);
}

int main(int argc, char **argv)
{
	enter_dir(argc, argv);
	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} link = { { sizeof(link), RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 1, 0 }, { .ifi_family = AF_UNSPEC } };
	ask(NETLINK_ROUTE, &link, sizeof(link));
	struct {
		struct nlmsghdr h;
		struct ifaddrmsg a;
	} addr = { { sizeof(addr), RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 2, 0 }, { .ifa_family = AF_INET } };
	ask(NETLINK_ROUTE, &addr, sizeof(addr));
	struct {
		struct nlmsghdr h;
		struct unix_diag_req u;
	} diag = { { sizeof(diag), SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, 3, 0 },
		   { .sdiag_family = AF_UNIX, .udiag_states = -1, .udiag_show = UDIAG_SHOW_NAME } };
	ask(NETLINK_SOCK_DIAG, &diag, sizeof(diag));
	struct {
		struct nlmsghdr h;
		struct genlmsghdr g;
		struct nlattr a;
		char name[8];
	} gen = { { sizeof(gen), GENL_ID_CTRL, NLM_F_REQUEST, 4, 0 }, { CTRL_CMD_GETFAMILY, 1, 0 },
		  { NLA_HDRLEN + 7, CTRL_ATTR_FAMILY_NAME }, "nlctrl" };
	ask(NETLINK_GENERIC, &gen, sizeof(gen));
	others();
	return 0;
}
