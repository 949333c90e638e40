// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * sctrace kernel side: one set of programs for every trace of the service. Each traced system
 * call's entry is paired with its exit and becomes one self-contained record (plus exec, fork and
 * exit records), in the layouts of shared/sctrace_event.h, carrying the mask of the traces it is
 * for. The programs are loaded with the service's first trace and unloaded after its last; a
 * trace coming or going is a few stores into the control block and filter maps.
 *
 * The code is split by concern (lib/): helpers.h (how the code shared with the kernel module
 * reads memory and loops here), maps.h (maps and globals), task.h (filter lookups, pid verdicts,
 * the task's part of the record header; the filter evaluation from shared/sctrace_masks.h),
 * ring.h (wakeups, submission, losses counted by trace mask; admission, budgets and per-trace
 * loss counts from shared/sctrace_admit.h), syscall.h (entry/exit pairing and syscall records),
 * sched.h (context switches), signal.h (signal deliveries).
 * Record assembly (strings and reads behind pointers, the in-flight call, parked blobs, the
 * record header) is shared/sctrace_blobs.h and sctrace_kernel.h, which the module compiles too.
 * This file holds the programs themselves.
 *
 * Two ways to attach the syscall programs, one set of records (src/backends/ebpf/attach-plan.ts):
 * raw_syscalls (every syscall of every task runs sct_sys_enter/sct_sys_exit; used when some trace
 * wants all syscalls or many) and per-syscall tracepoints (sct_sys_enter_tpN/sct_sys_exit_tp on
 * syscalls/sys_enter_<name> of the wanted syscalls only). sct_ctl.mode says which set acts, so
 * user space can attach the new set, switch, then detach the old one without a window where a
 * call is missed or recorded twice.
 *
 * Wakeups: records are submitted with BPF_RB_NO_WAKEUP, except the one that takes the unread
 * backlog across wakeup_bytes, which forces one wakeup. A wakeup interrupts the traced process
 * (about 12 us on the reference VM, docs/kernel-costs.md) and user space drains on a 1-10 ms timer
 * anyway; the forced wakeup only keeps a burst from filling the ring between two ticks. Losses are
 * counted per trace where they happen (sct_ctl.lost), never dropped silently.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "sctrace_event.h"
#include "sctrace_kernel.h"
#include "lib/helpers.h"
#include "lib/maps.h"
#include "lib/task.h"
#include "lib/ring.h"
#include "lib/fd.h"
#include "sctrace_blobs.h"
#include "sctrace_task.h"
#include "lib/syscall.h"
#include "lib/sched.h"
#include "lib/signal.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Present only on kernels whose sched_process_exit tracepoint passes group_dead (6.18 does). */
struct trace_event_raw_sched_process_exit___sct {
	bool group_dead;
} __attribute__((preserve_access_index));

/* raw_syscalls mode: every syscall of every task passes here while attached. */
SEC("tp_btf/sys_enter")
int BPF_PROG(sct_sys_enter, struct pt_regs *regs, long id)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	struct sct_inflight *fl;

	if (sct_ctl.mode != SCT_MODE_RAW)
		return 0;
	fl = enter_slot((__u32)id, pid_tgid);
	if (!fl)
		return 0;
	/*
	 * regs is the user register frame (x86_64 syscall ABI). Plain loads through the BTF pointer,
	 * CO-RE relocated by vmlinux.h's preserve_access_index, instead of six probe-read helpers.
	 */
	fl->args[0] = regs->di;
	fl->args[1] = regs->si;
	fl->args[2] = regs->dx;
	fl->args[3] = regs->r10;
	fl->args[4] = regs->r8;
	fl->args[5] = regs->r9;
	enter_done(fl, (__u32)id, (__u32)pid_tgid);
	return 0;
}

/*
 * Per-syscall mode: attached to syscalls/sys_enter_<name> of each wanted syscall, so the others
 * never run a BPF program (the raw_syscalls attachment alone costs every syscall on the host
 * about 85 ns; docs/kernel-costs.md). The kernel refuses a program that reads past the event's
 * arguments (EACCES at attach), so there is one program per argument count: sct_sys_enter_tpN
 * reads N arguments and zeroes the rest, and user space loads and attaches the counts it needs.
 */
static __always_inline int sys_enter_tp(struct sct_tp_sys_enter *ctx, const int nargs)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();
	__u32 nr = (__u32)ctx->nr;
	struct sct_inflight *fl;

	if (sct_ctl.mode != SCT_MODE_PER)
		return 0;
	fl = enter_slot(nr, pid_tgid);
	if (!fl)
		return 0;
#pragma unroll
	for (int i = 0; i < SCT_MAX_ARGS; i++)
		fl->args[i] = i < nargs ? ctx->args[i] : 0;
	enter_done(fl, nr, (__u32)pid_tgid);
	return 0;
}

#define SCT_SYS_ENTER_TP(n)                                                                    \
	SEC("tracepoint")                                                                        \
	int sct_sys_enter_tp##n(struct sct_tp_sys_enter *ctx)                                    \
	{                                                                                        \
		return sys_enter_tp(ctx, n);                                                     \
	}

SCT_SYS_ENTER_TP(0)
SCT_SYS_ENTER_TP(1)
SCT_SYS_ENTER_TP(2)
SCT_SYS_ENTER_TP(3)
SCT_SYS_ENTER_TP(4)
SCT_SYS_ENTER_TP(5)
SCT_SYS_ENTER_TP(6)

/*
 * Inside a successful execve/execveat, once the kernel has copied the filename, argv and envp
 * (faulting their pages in) and before the old address space is replaced (sched_prepare_exec,
 * Linux 6.10): parks the strings and arrays again over what sys_enter parked. At sys_enter some
 * may not have been readable yet: a BPF program cannot fault pages in, and a child fresh from
 * fork typically has no page-table entries for the string literals in its .rodata until it
 * touches them. A failed exec keeps what sys_enter read. Runs for traced calls only (an active
 * in-flight slot that parks at entry); builds in its own per-CPU buffer, since it may preempt a
 * sys_enter run on the same CPU.
 */
SEC("tp_btf/sched_prepare_exec")
int BPF_PROG(sct_prepare_exec, struct task_struct *task, struct linux_binprm *bprm)
{
	struct sct_inflight *fl = bpf_task_storage_get(&sct_inflight, bpf_get_current_task_btf(), NULL, 0);
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), zero = 0;

	if (!fl || !fl->active || !fl->enter_str || !(fl->str_mask || fl->reads))
		return 0;
	park_enter_strings(tid, fl, bpf_map_lookup_elem(&sct_exec_scratch, &zero));
	return 0;
}

/*
 * Whether no trace can have taken the exiting call `nr` of the current task at its entry, from
 * the same tests the entry made: the syscall's mask, and when every trace that wants it filters
 * by pid, the cached pid verdict. Most exits are of calls no trace wants, and this turns them
 * away before the task storage lookup (~40 ns less per filtered call on the reference VM,
 * docs/kernel-costs.md). A verdict that changed since the entry is of a trace that started
 * since (which takes no call that began before it) or stopped (which gets no more records).
 */
static __always_inline bool exit_unwanted(__u32 nr)
{
	__u64 want;

	if (nr >= SCT_NR_MAX)
		return false;
	/* Keeps clang from indexing before the check, which the verifier then cannot see. */
	barrier_var(nr);
	want = sct_ctl.sys_traces[nr];
	if (!want)
		return true;
	if (want & sct_ctl.pid_any)
		return false;
	return !(pid_traces(bpf_get_current_pid_tgid() >> 32) & want);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sct_sys_exit, struct pt_regs *regs, long ret)
{
	/* orig_ax holds the number the entry saw. */
	if (sct_ctl.mode != SCT_MODE_RAW || exit_unwanted(regs->orig_ax))
		return 0;
	exit_done(ret);
	return 0;
}

/* The per-syscall mode's exit: attached to syscalls/sys_exit_<name> of the wanted syscalls only. */
SEC("tracepoint")
int sct_sys_exit_tp(struct sct_tp_sys_exit *ctx)
{
	if (sct_ctl.mode != SCT_MODE_PER || exit_unwanted(ctx->nr))
		return 0;
	exit_done(ctx->ret);
	return 0;
}

/*
 * task_newtask, in the creator, before the new task first runs (so a followed child is traced from
 * its first syscall): a new process or a new thread, with the clone flags that made it.
 */
static __always_inline __u64 exit_signal_of(struct task_struct *child)
{
	return sct_exit_signal_bits(BPF_CORE_READ(child, exit_signal));
}

SEC("tp_btf/task_newtask")
int BPF_PROG(sct_proc_fork, struct task_struct *child, unsigned long clone_flags)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	__u32 child_tgid = child->tgid, child_tid = child->pid;
	bool thread = child_tid != child_tgid;
	struct sct_fork rec = {};
	__u64 want, avail;
	__u32 hflags = 0;

	if (tgid == self_tgid || !sct_ctl.active)
		return 0;
	/* A new thread is not a new process: it is in its group's traces already. */
	if (!thread && (sct_ctl.follow & sct_ctl.active)) {
		__u64 inherit = sct_inherited_traces(&sct_ctl, pid_traces(tgid));

		if (inherit)
			add_tgid_traces(child_tgid, inherit);
	}
	want = sct_ctl.proc_events & sct_ctl.active;
	if (!want)
		return 0;
	want = sct_admit_traces(task_traces(want, tgid));
	if (!want)
		return 0;
	avail = ring_avail();
	want = sct_charge_traces(want, sizeof(rec), avail, &hflags);
	if (!want)
		return 0;
	sct_fill_header(&rec.hdr, thread ? SCT_KIND_THREAD : SCT_KIND_FORK, sizeof(rec), hflags, bpf_ktime_get_ns(), want);
	rec.child_pid = child_tgid;
	rec.child_tid = child_tid;
	rec.clone_flags = clone_flags | exit_signal_of(child);
	submit(&rec, sizeof(rec), avail);
	return 0;
}

/* A non-leader exec gives the thread the leader's tid: its parked strings follow it. */
static __always_inline void move_parked(__u32 from, __u32 to)
{
	struct sct_enter_strs *parked = bpf_map_lookup_elem(&sct_enter_strs, &from);

	if (parked) {
		bpf_map_update_elem(&sct_enter_strs, &to, parked, BPF_ANY);
		bpf_map_delete_elem(&sct_enter_strs, &from);
	}
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(sct_proc_exec, struct task_struct *task, pid_t old_pid, struct linux_binprm *bprm)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid(), want, avail;
	__u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid;
	struct sct_exec *rec;
	__u32 off, hflags = 0;
	__u16 nblob;
	__u8 *buf;

	if (tgid == self_tgid)
		return 0;
	if ((__u32)old_pid != tid)
		move_parked(old_pid, tid);
	want = sct_ctl.proc_events & sct_ctl.active;
	if (!want)
		return 0;
	want = sct_admit_traces(task_traces(want, tgid));
	if (!want)
		return 0;
	buf = scratch(SCT_SLOT_PROC_EXEC);
	if (!buf) {
		sct_count_lost(want, SCT_LOSS_RING);
		return 0;
	}
	rec = (struct sct_exec *)buf;
	off = sct_exec_blobs(buf, (__u64)BPF_CORE_READ(bprm, filename), BPF_CORE_READ(task, mm, arg_start),
			     BPF_CORE_READ(task, mm, arg_end), &nblob, &hflags);
	avail = ring_avail();
	want = sct_charge_traces(want, off, avail, &hflags);
	if (!want)
		return 0;
	rec->old_pid = old_pid;
	rec->nblob = nblob;
	rec->pad = 0;
	sct_fill_header(&rec->hdr, SCT_KIND_EXEC, off, hflags, bpf_ktime_get_ns(), want);
	submit_scratch(buf, off, avail);
	return 0;
}

/* Whether the exiting task is the last of its thread group. */
static __always_inline bool group_dead(__u64 *ctx, struct task_struct *task)
{
	/* Exact when the tracepoint says so; otherwise two racing last threads may both see 0. */
	if (bpf_core_field_exists(struct trace_event_raw_sched_process_exit___sct, group_dead))
		return (__u8)ctx[1] != 0;
	return BPF_CORE_READ(task, signal, live.counter) == 0;
}

/* One walk over a dying group's list of threads (bpf_loop callback sct_exit_thread). */
struct sct_thread_walk {
	__u64 pos;  /* address of the next thread's thread_node */
	__u64 head; /* address of the list's head, signal_struct.thread_head */
	__u64 off;  /* offsetof(struct task_struct, thread_node) */
	__u32 n;
	__u32 pad;
	struct sct_usage u;
};

/* bpf_loop callback: adds the counts of the thread at w->pos and steps to the next one. */
static long sct_exit_thread(__u64 i, void *data)
{
	struct sct_thread_walk *w = data;
	struct list_head *pos = (struct list_head *)w->pos;

	if (!pos || w->pos == w->head)
		return 1;
	sct_usage_add_task(&w->u, (struct task_struct *)(w->pos - w->off));
	w->n++;
	w->pos = (__u64)BPF_CORE_READ(pos, next);
	return 0;
}

/*
 * The exit record of a thread group whose last thread is `task` (see struct sct_exit for what it
 * sums), written into rec (ring memory: every field is set). The list is walked with probe reads
 * under the tracepoint's RCU protection; threads that leave it meanwhile were added to the
 * signal's sums, which are read after.
 */
static __always_inline void fill_exit(struct sct_exit *rec, struct task_struct *task)
{
	struct signal_struct *sig = task->signal;
	struct sct_thread_walk w = {};

	w.head = (__u64)sig + bpf_core_field_offset(struct signal_struct, thread_head);
	w.pos = (__u64)BPF_CORE_READ(sig, thread_head.next);
	w.off = bpf_core_field_offset(struct task_struct, thread_node);
	bpf_loop(SCT_EXIT_THREADS_MAX, sct_exit_thread, &w, 0);
	rec->self = w.u;
	sct_exit_group_usage(rec, sig);
	rec->exit_code = BPF_CORE_READ(task, exit_code);
	rec->threads = w.n;
	rec->start_ns = BPF_CORE_READ(task, group_leader, start_time);
}

/* A thread that is not its group's last exited: its own record, for the traces of its group. */
static __always_inline void thread_exited(struct task_struct *task, __u32 tgid)
{
	struct sct_thread_exit *rec;
	__u64 want, avail;
	__u32 hflags = 0;

	want = sct_ctl.proc_events & sct_ctl.active;
	if (want)
		want = sct_admit_traces(task_traces(want, tgid));
	if (!want)
		return;
	avail = ring_avail();
	want = sct_charge_traces(want, sizeof(*rec), avail, &hflags);
	if (!want)
		return;
	rec = bpf_ringbuf_reserve(&sct_events, sizeof(*rec), 0);
	if (!rec) {
		sct_uncharge_traces(want, sizeof(*rec), hflags);
		sct_count_lost(want, SCT_LOSS_RING);
		return;
	}
	sct_thread_exit_fill(rec, task);
	sct_fill_header(&rec->hdr, SCT_KIND_THREAD_EXIT, sizeof(*rec), hflags, bpf_ktime_get_ns(), want);
	bpf_ringbuf_submit(rec, wake_flags(sizeof(*rec), avail));
}

/*
 * Runs in the exiting thread (current == task). Strings of a call that never returned come from
 * entry when parked there; otherwise they are read now: that works where the tracepoint precedes
 * exit_mm (as on 6.18) and yields UNREADABLE blobs on kernels where the mm is already gone.
 */
SEC("tp_btf/sched_process_exit")
int sct_proc_exit(__u64 *ctx)
{
	struct task_struct *task = (struct task_struct *)ctx[0];
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct sct_inflight *fl;
	struct sct_exit *rec;
	__u64 want, avail = 0;
	__u32 hflags = 0;

	if (tgid == self_tgid)
		return 0;
	fl = bpf_task_storage_get(&sct_inflight, bpf_get_current_task_btf(), NULL, 0);
	if (fl && fl->active) {
		emit_syscall(SCT_SLOT_PROC_EXIT, fl, 0, SCT_F_NO_RETURN);
		fl->active = 0;
	}
	if (!group_dead(ctx, task)) {
		thread_exited(task, tgid);
		return 0;
	}
	want = sct_ctl.proc_events & sct_ctl.active;
	if (want)
		want = sct_admit_traces(task_traces(want, tgid));
	if (want) {
		avail = ring_avail();
		want = sct_charge_traces(want, sizeof(*rec), avail, &hflags);
	}
	if (want) {
		rec = bpf_ringbuf_reserve(&sct_events, sizeof(*rec), 0);
		if (rec) {
			fill_exit(rec, task);
			sct_fill_header(&rec->hdr, SCT_KIND_EXIT, sizeof(*rec), hflags, bpf_ktime_get_ns(), want);
			bpf_ringbuf_submit(rec, wake_flags(sizeof(*rec), avail));
		} else {
			sct_uncharge_traces(want, sizeof(*rec), hflags);
			sct_count_lost(want, SCT_LOSS_RING);
		}
	}
	/* A dead tgid may be reused by an unrelated process. */
	if (!bpf_map_delete_elem(&sct_tgids, &tgid))
		pid_changed();
	return 0;
}
