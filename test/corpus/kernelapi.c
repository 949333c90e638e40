/* Newer file, process and time interfaces with known arguments: the mount API, extensible
 * structs (openat2, clone3, mount_setattr), fcntl locks, file handles, prctl, capabilities,
 * arch_prctl, I/O priorities, pidfds, adjtimex, timeouts, and a unix address longer than its
 * buffer. Every call that could change the machine fails on purpose (bad fds, missing paths). */
#include "corpus.h"
#include <linux/capability.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <linux/futex.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/timex.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <asm/prctl.h>
#include <time.h>

int main(int argc, char **argv)
{
	char buf[256];
	char dot[] = "."; /* on the stack: a literal's page may not be faulted in yet when the kernel side reads it */
	enter_dir(argc, argv);

	/* Access modes: an unknown bit is ?_OK. */
	syscall(SYS_faccessat, AT_FDCWD, dot, 8);
	syscall(SYS_faccessat2, AT_FDCWD, dot, 8 | R_OK, 0);

	/* The mount API, failing: an unknown filesystem, bad fds, missing paths. */
	syscall(SYS_fsopen, "no-such-fs", FSOPEN_CLOEXEC);
	syscall(SYS_fsopen, "no-such-fs", 2);
	syscall(SYS_fsmount, -1, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOATIME);
	syscall(SYS_fsmount, -1, 0, 0x40);
	syscall(SYS_fspick, -1, "missing", FSPICK_CLOEXEC | FSPICK_EMPTY_PATH);
	syscall(SYS_move_mount, -1, "missing", AT_FDCWD, "", MOVE_MOUNT_F_SYMLINKS | MOVE_MOUNT_T_EMPTY_PATH);
	syscall(SYS_open_tree, -1, "missing", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	syscall(SYS_fsconfig, -1, FSCONFIG_SET_FLAG, "ro", NULL, 0);
	syscall(SYS_fsconfig, -1, FSCONFIG_SET_STRING, "source", "/dev/none", 0);
	syscall(SYS_fsconfig, -1, FSCONFIG_SET_PATH, "source", "/dev/none", AT_FDCWD);
	syscall(SYS_fsconfig, -1, FSCONFIG_SET_BINARY, "key", "\x01\x02\x03", 3);
	syscall(SYS_fsconfig, -1, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
	syscall(SYS_fsconfig, -1, 8, "key", NULL, 0);
	syscall(SYS_mount, "missing-source", "missing-target", "tmpfs", MS_RDONLY | MS_NOSUID | MS_RELATIME, "size=1m");
	syscall(SYS_mount, "missing-source", "missing-target", "tmpfs", MS_BIND | MS_REC, "ignored");
	syscall(SYS_mount, "missing-source", "missing-target", "tmpfs", MS_MGC_VAL | MS_REMOUNT, "mode=0755");
	syscall(SYS_umount2, "missing-target", 2 | 8 /* MNT_DETACH | UMOUNT_NOFOLLOW */);
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID, .attr_clr = MOUNT_ATTR_NODEV, .propagation = MS_SLAVE };
	syscall(SYS_mount_setattr, -1, "missing", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr));
	/* A bigger struct than the kernel's: zero bytes beyond it are not shown, others are, unreadable ones are `???`. */
	char *big = tail(40, 0);
	memcpy(big, &attr, sizeof(attr));
	syscall(SYS_mount_setattr, -1, "missing", 0, big, 40);
	big[36] = 7;
	syscall(SYS_mount_setattr, -1, "missing", 0, big, 40);
	syscall(SYS_mount_setattr, -1, "missing", 0, big, 48);

	/* openat2's and clone3's structs, with a tail. */
	struct open_how *how = tail(32, 0);
	how->flags = O_RDONLY | O_EXCL;
	syscall(SYS_openat2, AT_FDCWD, "missing", how, 32);
	((char *)how)[30] = 1;
	syscall(SYS_openat2, AT_FDCWD, "missing", how, 32);
	syscall(SYS_openat2, AT_FDCWD, "missing", how, 40);
	struct clone_args *ca = tail(96, 0);
	ca->flags = CLONE_INTO_CGROUP;
	ca->cgroup = -1;
	syscall(SYS_clone3, ca, 88);
	syscall(SYS_clone3, ca, 104);
	/* clone3's set_tid array (an exit signal the kernel refuses: EINVAL before any fork). */
	struct clone_args *ct = tail(88, 0);
	pid_t tids[3] = { 1, 2, 3 };
	ct->exit_signal = 0x100;
	ct->set_tid = (uintptr_t)tids;
	ct->set_tid_size = 2;
	syscall(SYS_clone3, ct, 88);
	ct->set_tid_size = 33;
	syscall(SYS_clone3, ct, 88);
	ct->set_tid = 0;
	ct->set_tid_size = 1;
	syscall(SYS_clone3, ct, 88);
	ct->set_tid = (uintptr_t)tail(4, 0);
	syscall(SYS_clone3, ct, 88);

	/* fcntl's lock structs, on a file of our own. */
	int fd = open("locked", O_RDWR | O_CREAT, 0600);
	struct flock fl = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 4096 };
	fcntl(fd, F_SETLK, &fl);
	fcntl(fd, F_GETLK, &fl);
	fl.l_type = F_UNLCK;
	fcntl(fd, F_SETLKW, &fl);
	struct f_owner_ex owner = { .type = F_OWNER_PID, .pid = getpid() };
	fcntl(fd, F_SETOWN_EX, &owner);
	fcntl(fd, F_GETOWN_EX, &owner);
	fcntl(fd, F_NOTIFY, DN_ACCESS | DN_MODIFY);
	fcntl(fd, F_SETLEASE, F_RDLCK);
	fallocate(fd, FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE, 0, 4096);
	syscall(SYS_fallocate, -1, 0xdeadbe00 | FALLOC_FL_ZERO_RANGE, 0, 1);
	close(fd);

	/* A file handle too small, then big enough. */
	struct file_handle *fh = tail(sizeof(*fh) + 128, 0);
	int mount_id;
	fh->handle_bytes = 0;
	syscall(SYS_name_to_handle_at, AT_FDCWD, dot, fh, &mount_id, 0);

	/* prctl's options and their arguments. */
	int value = 0;
	prctl(PR_GET_PDEATHSIG, &value);
	prctl(PR_GET_PDEATHSIG, NULL);
	prctl(PR_SET_PDEATHSIG, SIGUSR1);
	prctl(PR_GET_DUMPABLE);
	prctl(PR_GET_CHILD_SUBREAPER, &value);
	prctl(PR_CAPBSET_READ, CAP_NET_RAW);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_CHOWN, 0, 0);
	prctl(PR_MCE_KILL_GET, 0, 0, 0, 0);
	prctl(PR_GET_SECUREBITS);
	prctl(PR_SET_TSC, 0);
	prctl(PR_GET_TSC, NULL);
	prctl(PR_SET_UNALIGN, 3);
	prctl(PR_GET_TID_ADDRESS, NULL);
	prctl(PR_SET_NAME, "corpus-name");
	prctl(PR_GET_NAME, buf);
	prctl(PR_SVE_GET_VL);
	prctl(PR_SET_TAGGED_ADDR_CTRL, 0, 0, 0, 0);
	prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0);
	prctl(0x7fffffff, 1, 2, 3, 4);

	/* Capabilities: the header, and the data sets as far as the version says. */
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	syscall(SYS_capget, &hdr, data);
	syscall(SYS_capget, NULL, NULL);
	struct __user_cap_header_struct v1 = { _LINUX_CAPABILITY_VERSION_1, 0 };
	struct __user_cap_data_struct *one = tail(sizeof(*one), 0);
	one->effective = 1 << CAP_KILL;
	syscall(SYS_capset, &v1, one);

	/* arch_prctl by option, I/O priorities, groups, pidfds (getcpu's CPU differs between runs). */
	syscall(SYS_arch_prctl, ARCH_SET_CPUID, 0);
	syscall(SYS_arch_prctl, ARCH_GET_CPUID, 0);
	unsigned long long features;
	syscall(SYS_arch_prctl, ARCH_GET_XCOMP_SUPP, &features);
	syscall(SYS_ioprio_get, 1, 0);
	syscall(SYS_ioprio_set, 2, 0x7fffffff, (2 << 13) | 4);
	syscall(SYS_ioprio_get, 0xfa57beef, 0);
	syscall(SYS_getgroups, 0, NULL);
	int pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	syscall(SYS_pidfd_getfd, pidfd, 0, 0xbadc0ded);
	syscall(SYS_pidfd_send_signal, pidfd, 0, NULL, 0xffffffff);
	syscall(SYS_pidfd_open, getpid(), 0xfacef6ed);
	close(pidfd);

	/* Clocks: the kernel's clock state, times with invalid nanoseconds, futex timeouts. */
	struct timex tx = { 0 };
	adjtimex(&tx);
	struct timespec bad = { -1, -1 };
	syscall(SYS_nanosleep, &bad, NULL);
	syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &bad, NULL);
	int futex_word = 1;
	struct timespec wait = { 0, 1000 };
	syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, &wait, NULL, 0);
	syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 1, &wait, NULL, 0);

	/* Event fds: inotify's flag order, an event pointer EPOLL_CTL_DEL ignores. */
	int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 1 };
	epoll_ctl(ep, EPOLL_CTL_ADD, in, &ev);
	epoll_ctl(ep, EPOLL_CTL_DEL, in, &ev);
	close(ep);
	close(in);

	/* A unix address longer than the buffer it is returned in. */
	int srv = socket(AF_UNIX, SOCK_STREAM, 0);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	strcpy(sun.sun_path, "kernelapi.socket.path");
	bind(srv, (struct sockaddr *)&sun, sizeof(sun));
	listen(srv, 1);
	int cli = socket(AF_UNIX, SOCK_STREAM, 0);
	connect(cli, (struct sockaddr *)&sun, sizeof(sun));
	struct sockaddr *short_addr = tail(16, 0);
	socklen_t *len = tail(sizeof(*len), 0);
	*len = 16;
	getpeername(cli, short_addr, len);
	*len = 16;
	getsockname(srv, short_addr, len);
	close(cli);
	close(srv);
	return 0;
}
