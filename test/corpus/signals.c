/* Signals: actions, masks, pending sets, alternate stacks, sending, a handled signal. */
#include "corpus.h"
#include <signal.h>

static void on_usr1(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	enter_dir(argc, argv);
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGINT);
	sigaction(SIGUSR1, &sa, NULL);
	struct sigaction old;
	sigaction(SIGUSR1, NULL, &old);
	sa.sa_handler = SIG_IGN;
	sa.sa_flags = 0;
	sigaction(SIGPIPE, &sa, &old);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGKILL, &sa, NULL);
	syscall(SYS_rt_sigaction, SIGUSR2, NULL, NULL, 8);
	syscall(SYS_rt_sigaction, SIGUSR2, NULL, NULL, 7);
	sigset_t set, prev;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGRTMIN + 2);
	sigprocmask(SIG_BLOCK, &set, &prev);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	sigfillset(&set);
	sigprocmask(SIG_SETMASK, &set, &prev);
	sigprocmask(SIG_SETMASK, &prev, NULL);
	sigpending(&set);
	stack_t ss = { .ss_sp = malloc(65536), .ss_size = 65536, .ss_flags = 0 };
	sigaltstack(&ss, NULL);
	sigaltstack(NULL, &ss);
	kill(getpid(), 0);
	kill(getpid(), SIGUSR1);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
	syscall(SYS_tkill, 999999, 0);
	alarm(0);
	alarm(100);
	alarm(0);
	struct timespec ts = { 0, 0 };
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigtimedwait(&set, NULL, &ts);
	raise(SIGUSR2);
	sigtimedwait(&set, NULL, &ts);
	return 0;
}
