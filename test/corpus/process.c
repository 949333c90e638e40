/* Processes: ids, forks and waits, exec failures, priorities, limits, scheduling, prctl. */
#include "corpus.h"
#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>

int main(int argc, char **argv)
{
	int status;
	struct rlimit rl;
	struct rusage ru;

	enter_dir(argc, argv);
	getpid();
	getppid();
	syscall(SYS_gettid);
	getuid();
	geteuid();
	getgid();
	getegid();
	getpgrp();
	getsid(0);
	setpgid(0, 0);
	gid_t groups[8];
	getgroups(8, groups);
	uid_t r, e, s;
	getresuid(&r, &e, &s);
	getresgid(&r, &e, &s);
	setuid(0);
	setgid(0);
	setreuid(-1, -1);
	setresuid(-1, -1, -1);
	getpriority(PRIO_PROCESS, 0);
	setpriority(PRIO_PROCESS, 0, 0);
	getrlimit(RLIMIT_NOFILE, &rl);
	getrlimit(RLIMIT_STACK, &rl);
	setrlimit(RLIMIT_CORE, &rl);
	prlimit(0, RLIMIT_AS, NULL, &rl);
	getrusage(RUSAGE_SELF, &ru);
	sched_yield();
	sched_getscheduler(0);
	struct sched_param sp;
	sched_getparam(0, &sp);
	sched_get_priority_max(SCHED_FIFO);
	sched_get_priority_min(SCHED_RR);
	cpu_set_t cpus;
	sched_getaffinity(0, sizeof(cpus), &cpus);
	prctl(PR_SET_NAME, "corpus-proc");
	char name[16];
	prctl(PR_GET_NAME, name);
	prctl(PR_GET_DUMPABLE);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	prctl(9999, 1, 2, 3, 4);
	personality(0xffffffff);
	struct utsname u;
	uname(&u);
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	waitpid(pid, &status, 0);
	pid = fork();
	if (pid == 0) {
		char *args[] = { "nope", NULL };
		execve("/nonexistent/program", args, NULL);
		execve("/etc/hostname", args, NULL);
		_exit(1);
	}
	wait4(pid, &status, 0, NULL);
	pid = vfork();
	if (pid == 0)
		_exit(0);
	wait4(-1, &status, 0, NULL);
	waitid(P_ALL, 0, NULL, WEXITED | WNOHANG);
	kill(pid, 0);
	kill(999999, SIGTERM);
	return 5;
}
