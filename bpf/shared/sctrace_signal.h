/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Signals of traced tasks, the part shared by the kernel sides: the record of a signal delivery
 * (TraceSpec.signal_events; struct sct_signal) and rt_sigreturn's signal mask, read from the
 * signal frame on the user stack at entry (SCT_READ_SIGMASK). Included by sctrace_blobs.h (the
 * exit-time reads use it), after sctrace_event.h and sctrace_kernel.h, with the includer's
 * definitions of sctrace_blobs.h and
 *
 *   sct_user_sp()            __u64: the current task's user stack pointer at syscall entry
 *   SCT_SIGFRAME_MASK_OFF    offsetof(struct rt_sigframe, uc.uc_sigmask): the kernel's frame
 *   sct_task_comm_traces(t)  __u64: traces whose comm filter lists task t's comm
 *   sct_task_uid(t)          __u32: task t's real uid
 *   sct_task_cgroup(t)       __u64: task t's cgroup v2 id
 *   sct_task_in_syscall(t)   bool: task t is inside a syscall some trace took at its entry
 *   sct_task_action(t, sig, flags)  __u64: task t's handler of signal sig (1..64), its SA_* in *flags
 *
 * Cost: the delivery record is assembled only for traces in sct_control.signals; a signal is
 * rare next to syscalls (one delivery per kill/timer/fault/child exit), and the eBPF program is
 * attached only while such a trace runs.
 */
#ifndef SCTRACE_SIGNAL_H
#define SCTRACE_SIGNAL_H

/*
 * The signal frame rt_sigreturn unwinds: on x86_64 the handler returns through the restorer,
 * whose `ret` popped the frame's first word (pretcode), so at entry the frame starts 8 bytes
 * below the user stack pointer (arch/x86/kernel/signal_64.c: sys_rt_sigreturn reads the frame
 * at regs->sp - sizeof(long)).
 */
static SCT_INLINE __u64 sct_sigframe_mask_addr(__u64 sp)
{
	return sp - sizeof(__u64) + SCT_SIGFRAME_MASK_OFF;
}

/* Keeps the signal mask of the call's SCT_READ_SIGMASK read (rt_sigreturn's) in fl, at entry. */
static SCT_INLINE void sct_read_sigmask_at_entry(struct sct_inflight *fl)
{
	__u32 nr = fl->nr;
	const struct sct_syscall_reads *rd = sct_syscall_reads_of(nr);

	fl->sigmask_ok = 0;
	if (!rd)
		return;
	SCT_UNROLL
	for (int i = 0; i < SCT_READS_MAX; i++) {
		if (rd->read[i].kind != SCT_READ_SIGMASK)
			continue;
		fl->sigmask_ok = !sct_read_user(&fl->sigmask, sizeof(fl->sigmask), sct_sigframe_mask_addr(sct_user_sp()));
		return;
	}
}

/* Appends the SCT_BLOB_BYTES blob of read r: the 8-byte mask read at entry (or UNREADABLE). */
static SCT_INLINE __u32 sct_put_sigmask(__u8 *buf, __u32 off, const struct sct_read *r,
					const struct sct_inflight *fl, __u16 *nblob)
{
	__u8 flags = SCT_BLOB_BYTES << SCT_BLOB_KIND_SHIFT;

	if (r->arg >= SCT_MAX_ARGS || off > SCT_BLOB_OFF_MAX)
		return off;
	*nblob += 1;
	if (!fl->sigmask_ok)
		return sct_finish_blob(buf, off, r->arg, flags | SCT_BLOB_UNREADABLE, 0);
	*(__u64 *)(buf + off + sizeof(struct sct_blob)) = fl->sigmask;
	return sct_finish_blob(buf, off, r->arg, flags, sizeof(__u64));
}

/* The running traces that want signal deliveries (the task filters narrow them further). */
static SCT_INLINE __u64 sct_signal_want(const struct sct_control *c)
{
	return c->signals & c->active;
}

/*
 * A signal delivery record but for its header: signal `sig`, the kernel's siginfo at `info`
 * (a kernel pointer; 0 or 1 for SEND_SIG_NOINFO and SEND_SIG_PRIV), and the action about to run.
 */
static SCT_INLINE void sct_signal_fill(struct sct_signal *rec, int sig, const void *info, __u64 handler,
				       __u64 sa_flags)
{
	__s32 *words = (__s32 *)rec->siginfo;

	rec->signo = sig;
	rec->flags = 0;
	rec->sa_handler = handler;
	rec->sa_flags = sa_flags;
	if ((unsigned long)info <= 1 || sct_copy_kernel(rec->siginfo, SCT_SIGINFO_BYTES, info)) {
		__builtin_memset(rec->siginfo, 0, SCT_SIGINFO_BYTES);
		rec->flags = SCT_SIGNAL_NOINFO;
	}
	/* struct kernel_siginfo starts si_signo, si_errno, si_code. */
	rec->si_errno = words[1];
	rec->si_code = words[2];
}

/* The signal_generate tracepoint's `result` of a signal discarded on sending (TRACE_SIGNAL_IGNORED). */
#define SCT_TRACE_SIGNAL_IGNORED 1
/* siginfo si_code values the kernel queues for a signal sent without one (include/uapi/asm-generic/siginfo.h). */
#define SCT_SI_USER 0
#define SCT_SI_KERNEL 0x80

/*
 * Whether a signal that the kernel discarded at sending was discarded because task t ignores it
 * (what ptrace would have had queued, sig_task_ignored): SIG_IGN, or SIG_DFL of a signal whose
 * default action is to ignore it. Other discards (a dying group, a stop signal racing SIGCONT)
 * are not signals strace shows.
 */
static SCT_INLINE bool sct_signal_ignored(int sig, __u64 handler)
{
	if (handler == 1)
		return true;
	/* SIGCHLD 17, SIGCONT 18, SIGURG 23, SIGWINCH 28 (x86_64 numbers). */
	return handler == 0 && (sig == 17 || sig == 18 || sig == 23 || sig == 28);
}

/*
 * The traces among `want` whose filters select task t, which need not be the current task (the
 * target of a signal sent by another): the same semantics as sct_task_traces, read from t.
 */
static SCT_INLINE __u64 sct_other_task_traces(const struct sct_control *c, __u64 want, struct task_struct *t)
{
	if (want & ~c->pid_any)
		want &= c->pid_any | sct_tgid_traces(sct_task_read(t, tgid));
	if (want & ~c->comm_any)
		want &= c->comm_any | sct_task_comm_traces(t);
	if (want & ~c->uid_any)
		want &= c->uid_any | sct_uid_traces(sct_task_uid(t));
	if (want & ~c->cgroup_any)
		want &= c->cgroup_any | sct_cgroup_traces(sct_task_cgroup(t));
	return want;
}

/*
 * A discarded signal's record but for its header (signal_generate, in the sender, the current
 * task): what the sender passed, or for SEND_SIG_NOINFO (0) and SEND_SIG_PRIV (1) the siginfo
 * the kernel would have queued (__send_signal_locked: SI_USER from the sender, SI_KERNEL).
 */
static SCT_INLINE void sct_signal_fill_discarded(struct sct_signal *rec, int sig, const void *info,
						 struct task_struct *t, __u32 sender_tgid, __u32 sender_uid)
{
	__s32 *words = (__s32 *)rec->siginfo;
	__u64 sa_flags = 0, handler = sct_task_action(t, sig, &sa_flags);

	sct_signal_fill(rec, sig, (unsigned long)info <= 1 ? 0 : info, handler, sa_flags);
	if ((unsigned long)info <= 1) {
		/* si_signo, si_errno, si_code, then _kill's si_pid and si_uid at 16. */
		words[0] = sig;
		words[2] = (unsigned long)info == 1 ? SCT_SI_KERNEL : SCT_SI_USER;
		if ((unsigned long)info == 0) {
			words[4] = sender_tgid;
			words[5] = sender_uid;
		}
		rec->si_code = words[2];
		rec->flags = 0;
	}
	rec->flags |= SCT_SIGNAL_DISCARDED;
	if (sct_task_in_syscall(t))
		rec->flags |= SCT_SIGNAL_IN_SYSCALL;
}

#endif /* SCTRACE_SIGNAL_H */
