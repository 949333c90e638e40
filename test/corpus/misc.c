/* The rest of the list: random bytes, system info, keys, bpf, perf, io_uring, landlock, memfd,
 * inotify, fanotify, openat2, faccessat2, clone3, arch_prctl, kcmp, syslog, quotactl, mempolicy. */
#include "corpus.h"
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <linux/openat2.h>
#include <linux/sched.h>
#include <sys/inotify.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <utime.h>
#include <asm/prctl.h>

int main(int argc, char **argv)
{
	char buf[64];
	enter_dir(argc, argv);
	syscall(SYS_getrandom, buf, 0, 0);
	syscall(SYS_getrandom, NULL, 0, 0x40);
	syscall(SYS_add_key, "user", "corpus-key", "secret", 6, -2);
	syscall(SYS_keyctl, 0, -3, 0);
	syscall(SYS_keyctl, 9999, 0, 0, 0, 0); /* every register set: an unknown command shows all four */
	syscall(SYS_request_key, "user", "no-such-key", NULL, 0);
	syscall(SYS_bpf, 9999, NULL, 0);
	syscall(SYS_bpf, 0, NULL, 0);
	syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0);
	syscall(SYS_io_uring_setup, 0, NULL);
	syscall(SYS_io_uring_register, -1, 0, NULL, 0);
	syscall(SYS_landlock_create_ruleset, NULL, 0, 1);
	int mfd = syscall(SYS_memfd_create, "corpus", 1);
	close(mfd);
	int in = inotify_init1(IN_CLOEXEC);
	inotify_add_watch(in, ".", IN_CREATE | IN_DELETE);
	close(in);
	syscall(SYS_fanotify_init, 0, 0);
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC, .resolve = RESOLVE_BENEATH };
	syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof(how));
	close(3);
	syscall(SYS_openat2, AT_FDCWD, "/etc/hostname", &how, sizeof(how));
	syscall(SYS_faccessat2, AT_FDCWD, ".", R_OK, AT_EACCESS | AT_SYMLINK_NOFOLLOW);
	struct clone_args ca = { .flags = CLONE_PIDFD, .pidfd = (unsigned long)buf, .exit_signal = SIGCHLD };
	long pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	/* Both outputs clone3 writes in the parent, the second into the last int of a page. */
	int *ptid = tail(sizeof(int), 0);
	struct clone_args ca2 = { .flags = CLONE_PIDFD | CLONE_PARENT_SETTID, .pidfd = (unsigned long)buf,
				  .parent_tid = (unsigned long)ptid, .exit_signal = SIGCHLD };
	pid = syscall(SYS_clone3, &ca2, sizeof(ca2));
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	syscall(SYS_arch_prctl, ARCH_GET_FS, buf);
	syscall(SYS_arch_prctl, 0x9999, 0);
	syscall(SYS_kcmp, getpid(), getpid(), 0, 0, 0);
	syscall(SYS_syslog, 10, NULL, 0);
	syscall(SYS_quotactl, 0, NULL, 0, NULL);
	syscall(SYS_set_mempolicy, 0, NULL, 0);
	syscall(SYS_get_mempolicy, NULL, NULL, 0, NULL, 0);
	syscall(SYS_mbind, 0, 0, 0, NULL, 0, 0);
	struct sysinfo si;
	sysinfo(&si);
	struct utsname u;
	uname(&u);
	syscall(SYS_getcpu, NULL, NULL, NULL);
	syscall(SYS_sethostname, "x", 0);
	syscall(SYS_capget, NULL, NULL);
	syscall(SYS_seccomp, 99, 0, NULL);
	/* A filter program refused for its unknown flag (never installed), the notification sizes. */
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog sprog = { 1, &allow };
	syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0x80000000, &sprog);
	unsigned short *sizes = tail(3 * sizeof(*sizes), 0);
	syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, sizes);
	syscall(SYS_pidfd_open, getpid(), 0);
	syscall(SYS_userfaultfd, 0x99);
	syscall(SYS_membarrier, 0, 0, 0);
	syscall(SYS_rseq, NULL, 0, 0, 0);
	syscall(SYS_process_madvise, -1, NULL, 0, 0, 0);
	syscall(SYS_mount, "none", "/nonexistent", "tmpfs", 0, NULL);
	syscall(SYS_umount2, "/nonexistent", 0);
	syscall(SYS_swapon, "/nonexistent", 0);
	syscall(SYS_reboot, 0, 0, 0, NULL);
	syscall(SYS_chroot, "/nonexistent");
	syscall(SYS_acct, NULL);
	syscall(SYS_ptrace, 9999, 0, 0, 0);
	/* A failed get_mempolicy: strace prints its outputs' addresses. */
	static unsigned long mask[513];
	int policy;
	syscall(SYS_get_mempolicy, &policy, mask, 32770, NULL, 0);
	/* One fd_set for all three: the kernel writes except (empty) last, strace prints `= 1 ()`. */
	int pp[2];
	if (pipe(pp) == 0) {
		fd_set s;
		FD_ZERO(&s);
		FD_SET(pp[0], &s);
		FD_SET(pp[1], &s);
		syscall(SYS_select, pp[1] + 1, &s, &s, &s, NULL);
		close(pp[0]);
		close(pp[1]);
	}
	syscall(447 /* memfd_secret */, O_CLOEXEC);
	syscall(447 /* memfd_secret */, O_CLOEXEC | 0xde97face);
	syscall(SYS_ioperm, 0xdefaced0badcafeUL, 1, 0);
	/* si_errno -1 has no errno name: strace prints it unsigned. */
	int pidfd = syscall(SYS_pidfd_open, getpid(), 0);
	siginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_signo = SIGUSR1;
	info.si_code = SI_QUEUE;
	info.si_errno = -1;
	info.si_pid = getpid();
	info.si_uid = -1;
	info.si_value.sival_int = -1;
	syscall(SYS_pidfd_send_signal, pidfd, SIGUSR2, &info, 0xffffffff);
	/* time's output and return value as dates, utime's utimbuf, ustat's dev_t, unshare's 64-bit flags. */
	time_t now;
	syscall(SYS_time, NULL);
	syscall(SYS_time, &now);
	struct utimbuf ub = { .actime = 1492350678, .modtime = 0 };
	syscall(SYS_utime, "/nonexistent", &ub);
	syscall(SYS_ustat, -1, NULL);
	syscall(SYS_unshare, 0xbadc0ded00000000UL | CLONE_NEWUSER | 0x1);
	/* kcmp's epoll slot, syslog's console level, quotactl_fd's QCMD, remap_file_pages' prot and flags. */
	unsigned int slot[3] = { 23, 42, 0 };
	syscall(SYS_kcmp, getpid(), -1, 7 /* KCMP_EPOLL_TFD */, 23, slot);
	syscall(SYS_syslog, 8, NULL, -1);
	syscall(443 /* quotactl_fd */, -1, 0x80000400 /* QCMD(Q_GETFMT, USRQUOTA) */, 0, NULL);
	syscall(SYS_remap_file_pages, 0, 0, PROT_READ | PROT_WRITE, 0, MAP_PRIVATE | MAP_ANONYMOUS);
	/* quotactl: Q_QUOTAON's path, Q_SETINFO's if_dqinfo, Q_SETQUOTA's if_dqblk; reboot's RESTART2 command. */
	unsigned long long dq[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 0x3f };
	syscall(SYS_quotactl, 0x80000200 /* QCMD(Q_QUOTAON, USRQUOTA) */, "/dev/bogus", 1, "/tmp/bogus");
	syscall(SYS_quotactl, 0x80000600 /* QCMD(Q_SETINFO, USRQUOTA) */, "/dev/bogus", 0, dq);
	syscall(SYS_quotactl, 0x80000801 /* QCMD(Q_SETQUOTA, GRPQUOTA) */, "/dev/bogus", 1000, dq);
	syscall(SYS_reboot, 0xfee1dead, 0x13111992, 0xa1b2c3d4 /* RESTART2 */, "reboot");
	return 0;
}
