/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Context switches of traced tasks on eBPF (TraceSpec.sched_events): the sched_switch program
 * and the task storage that carries struct sct_sched_task (../shared/sctrace_sched.h) from one
 * switch of a task to the next. Filters apply as for syscalls, through the control block's masks:
 * the verdict is worked out at a task's switch-out (it is the current task then, so the comm, uid
 * and cgroup filters read it as they do at a syscall) and kept in its storage until pid_gen moves.
 */
#ifndef SCT_LIB_SCHED_H
#define SCT_LIB_SCHED_H

#include "sctrace_sched.h"

/* Created at a task's first switch-out while a trace wants switches; freed with the task. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sct_sched_task);
} sct_sched_tasks SEC(".maps");

/* One switch record for `traces` (among the admitted ones), charged and submitted; losses counted. */
static __always_inline void sched_submit(struct sct_switch *rec, __u64 traces, __u64 now, struct task_struct *of)
{
	__u32 hflags = 0;
	__u64 avail;

	traces = sct_admit_traces(traces);
	if (!traces)
		return;
	avail = ring_avail();
	traces = sct_charge_traces(traces, sizeof(*rec), avail, &hflags);
	if (!traces)
		return;
	if (of) {
		sct_fill_header_of(&rec->hdr, SCT_KIND_SWITCH, sizeof(*rec), hflags, now, traces, of);
	} else {
		sct_fill_header(&rec->hdr, SCT_KIND_SWITCH, sizeof(*rec), hflags, now, traces);
	}
	submit(rec, sizeof(*rec), avail);
}

/* prev (the current task) leaves the CPU. */
static __always_inline void sched_out(struct task_struct *prev, __u32 next_tid, __u64 want, __u64 now, __u32 cpu,
				      int preempt, __u32 prev_state)
{
	struct sct_sched_task *st;
	struct sct_switch rec;
	__u32 tgid = prev->tgid, gen = sct_ctl.pid_gen;
	__u64 traces;

	if (!prev->pid || tgid == self_tgid)
		return;
	st = bpf_task_storage_get(&sct_sched_tasks, prev, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!st)
		return;
	/*
	 * An exiting task keeps its verdict: its exit may have dropped its tgid from the pid filter
	 * (and moved pid_gen) already, and its switches to the last one are still its own; but not a
	 * verdict worked out for other sched traces than today's (their slots may be reused). Every
	 * trace start and stop moves pid_gen (writeControl), so other tasks work theirs out again.
	 */
	if (prev->flags & SCT_PF_EXITING) {
		if (st->sched_gen != sct_ctl.sched_gen)
			st->traces = 0;
	} else if (st->gen != gen) {
		st->traces = task_traces(want, tgid);
		st->gen = gen;
	}
	traces = st->traces & want;
	if (!traces)
		return;
	sct_sched_stale(st, sct_ctl.sched_gen, 0, now);
	sct_switch_out(&rec, st, now, cpu, preempt, prev_state, next_tid);
	sched_submit(&rec, traces, now, NULL);
}

/* next gets the CPU: a record if its switch-out was traced. */
static __always_inline void sched_in(struct task_struct *next, __u32 prev_tid, __u64 want, __u64 now, __u32 cpu)
{
	struct sct_sched_task *st;
	struct sct_switch rec;
	__u64 traces;

	if (!next->pid)
		return;
	st = bpf_task_storage_get(&sct_sched_tasks, next, NULL, 0);
	if (!st)
		return;
	traces = sct_sched_in(&rec, st, want, sct_ctl.sched_gen, now, cpu, prev_tid);
	if (traces)
		sched_submit(&rec, traces, now, next);
}

/*
 * Every context switch, while a trace wants switches (user space attaches the program for the
 * first such trace and detaches it after the last): one storage lookup for each side (created
 * for prev), and records for the traced ones.
 */
SEC("tp_btf/sched_switch")
int BPF_PROG(sct_sched_switch, bool preempt, struct task_struct *prev, struct task_struct *next, unsigned int prev_state)
{
	__u64 want = sct_ctl.sched & sct_ctl.active, now;
	__u32 cpu;

	if (!want)
		return 0;
	now = bpf_ktime_get_ns();
	cpu = bpf_get_smp_processor_id();
	sched_out(prev, next->pid, want, now, cpu, preempt, prev_state);
	sched_in(next, prev->pid, want, now, cpu);
	return 0;
}

/*
 * Every wakeup, while a trace wants switches (attached and detached with sct_sched_switch): one
 * storage lookup, never creating; a traced task's wakeup time, for its switch-in's run-queue wait.
 */
SEC("tp_btf/sched_wakeup")
int BPF_PROG(sct_sched_wakeup, struct task_struct *p)
{
	__u64 want = sct_ctl.sched & sct_ctl.active;
	struct sct_sched_task *st;

	if (!want)
		return 0;
	st = bpf_task_storage_get(&sct_sched_tasks, p, NULL, 0);
	if (st && (st->traces & want) && st->sched_gen == sct_ctl.sched_gen)
		sct_switch_wakeup(st, bpf_ktime_get_ns());
	return 0;
}

#endif /* SCT_LIB_SCHED_H */
