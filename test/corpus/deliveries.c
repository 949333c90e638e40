/*
 * Signal deliveries: strace's `--- SIG... {...} ---` lines and rt_sigreturn's restored mask. A
 * child's SIGCHLD (ignored by default, so discarded without ptrace), kill, tgkill and sigqueue to
 * itself with handlers, an interval timer's SIGALRM while paused, a POSIX timer's SI_TIMER, a
 * pipe's SIGIO (POLL_IN), and a SIGSEGV its handler recovers from (si_addr).
 */
#include "corpus.h"
#include <setjmp.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static sigjmp_buf recover;

static void on_signal(int sig)
{
	(void)sig;
}

static void on_segv(int sig)
{
	(void)sig;
	siglongjmp(recover, 1);
}

static void handle(int sig, void (*fn)(int))
{
	struct sigaction sa = { .sa_handler = fn };

	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv)
{
	enter_dir(argc, argv);
	handle(SIGUSR1, on_signal);
	handle(SIGUSR2, on_signal);
	handle(SIGALRM, on_signal);
	handle(SIGIO, on_signal);
	handle(SIGRTMIN + 1, on_signal);
	handle(SIGSEGV, on_segv);

	/* A child's exit: SIGCHLD with SIG_DFL, after the wait that reaps it. */
	pid_t child = fork();
	if (child == 0)
		_exit(3);
	int status;
	wait4(child, &status, 0, NULL);

	/* To itself, with a handler: delivered as kill returns, then rt_sigreturn. */
	kill(getpid(), SIGUSR1);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
	union sigval value = { .sival_int = 42 };
	sigqueue(getpid(), SIGUSR2, value);

	/* Delivered with SIGINT blocked: rt_sigreturn restores [INT]. */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	raise(SIGUSR2);
	sigprocmask(SIG_UNBLOCK, &set, NULL);

	/* An interval timer's SIGALRM (SI_KERNEL) interrupts pause. */
	struct itimerval it = { .it_value = { 0, 10000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	pause();

	/* A POSIX timer: SI_TIMER with its id, overrun and value. */
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGRTMIN + 1 };
	sev.sigev_value.sival_int = 7;
	timer_t timer;
	if (syscall(SYS_timer_create, CLOCK_MONOTONIC, &sev, &timer) == 0) {
		struct itimerspec ts = { .it_value = { 0, 1000000 } };
		syscall(SYS_timer_settime, timer, 0, &ts, NULL);
		pause();
		syscall(SYS_timer_delete, timer);
	}

	/* A pipe's SIGIO: POLL_IN with its band and fd (F_SETSIG asks for the siginfo). */
	int fds[2];
	if (pipe(fds) == 0) {
		fcntl(fds[0], F_SETOWN, getpid());
		fcntl(fds[0], F_SETSIG, SIGIO);
		fcntl(fds[0], F_SETFL, O_ASYNC | O_NONBLOCK);
		write(fds[1], "x", 1);
		close(fds[0]);
		close(fds[1]);
	}

	/* A fault its handler recovers from: SEGV_MAPERR at NULL. */
	if (sigsetjmp(recover, 1) == 0)
		*(volatile int *)0 = 1;
	return 0;
}
