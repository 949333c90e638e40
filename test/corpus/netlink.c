/* Netlink: route (links, addresses), sock_diag and generic family queries. */
#include "corpus.h"
#include <linux/genetlink.h>
#include <linux/inet_diag.h>
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
	return 0;
}
