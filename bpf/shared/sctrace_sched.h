/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Context switches of traced tasks (TraceSpec.sched_events), the part shared by the kernel sides:
 * what is kept per task between its switches (struct sct_sched_task), the state a task left the
 * CPU in, and the switch records. Include after sctrace_event.h, having defined SCT_INLINE. The
 * eBPF side keeps struct sct_sched_task in task storage (../lib/sched.h).
 *
 * Cost: sched_switch fires on every context switch of every task. The program is attached only
 * while a trace asks for switches; then a task nobody traces costs one lookup of its per-task
 * state on each side of a switch, plus a filter evaluation when the verdict in that state is
 * older than sct_control.pid_gen.
 */
#ifndef SCTRACE_SCHED_H
#define SCTRACE_SCHED_H

/* Per task, between its switches. */
struct sct_sched_task {
	__u64 traces;    /* the sched traces whose filters selected it, as of `gen` */
	__u64 in_ns;     /* when it was last switched in while traced; 0: not since tracing began */
	__u64 out_ns;    /* when it was last switched out while traced; 0: not since tracing began */
	__u64 wake_ns;   /* when it was woken (sched_wakeup) since that switch-out; 0: not yet */
	__u32 gen;       /* sct_control.pid_gen when `traces` was worked out */
	__u32 out_state; /* enum sct_switch_state at that switch-out */
	__u32 out_raw;   /* ... and the TASK_* bits */
	__u32 sched_gen; /* sct_control.sched_gen of in_ns and out_ns (older ones are not this trace's) */
};

/*
 * The kernel's TASK_* state bits (include/linux/sched.h; macros, so not in the BTF). Stable
 * values for years; a state this does not know is SCT_STATE_OTHER with its bits kept.
 */
enum sct_task_state_bits {
	SCT_TASK_INTERRUPTIBLE = 0x0001,
	SCT_TASK_UNINTERRUPTIBLE = 0x0002,
	SCT_TASK_STOPPED = 0x0004,
	SCT_TASK_TRACED = 0x0008,
	SCT_EXIT_DEAD = 0x0010,
	SCT_EXIT_ZOMBIE = 0x0020,
	SCT_TASK_PARKED = 0x0040,
	SCT_TASK_DEAD = 0x0080,
	SCT_TASK_NOLOAD = 0x0400,
};

/* task_struct.flags: do_exit has begun (set before sched_process_exit; include/linux/sched.h). */
#define SCT_PF_EXITING 0x00000004

/* enum sct_switch_state of a task leaving the CPU with `prev_state`, preempted or not. */
static SCT_INLINE __u32 sct_switch_state(int preempt, __u32 prev_state)
{
	if (preempt || prev_state == 0)
		return SCT_STATE_RUNNABLE;
	if (prev_state & (SCT_EXIT_DEAD | SCT_EXIT_ZOMBIE | SCT_TASK_DEAD))
		return SCT_STATE_DEAD;
	if (prev_state & SCT_TASK_STOPPED)
		return SCT_STATE_STOPPED;
	if (prev_state & SCT_TASK_TRACED)
		return SCT_STATE_TRACED;
	if (prev_state & SCT_TASK_PARKED)
		return SCT_STATE_PARKED;
	if ((prev_state & (SCT_TASK_UNINTERRUPTIBLE | SCT_TASK_NOLOAD)) == (SCT_TASK_UNINTERRUPTIBLE | SCT_TASK_NOLOAD))
		return SCT_STATE_IDLE;
	if (prev_state & SCT_TASK_UNINTERRUPTIBLE)
		return SCT_STATE_BLOCKED;
	if (prev_state & SCT_TASK_INTERRUPTIBLE)
		return SCT_STATE_SLEEPING;
	return SCT_STATE_OTHER;
}

/*
 * Whether a task's state is of other sched traces than those of sched_gen `gen` (whose slots may
 * be reused): then what it holds began before these traces, and it is made theirs. At a
 * switch-out (out = 0) how long it ran is unknown; at a switch-in (out = 1) the off-CPU interval
 * that ends is not theirs and the task runs from `now`.
 */
static SCT_INLINE int sct_sched_stale(struct sct_sched_task *st, __u32 gen, int in, __u64 now)
{
	if (st->sched_gen == gen)
		return 0;
	st->sched_gen = gen;
	st->in_ns = in ? now : 0;
	st->out_ns = 0;
	st->wake_ns = 0;
	return 1;
}

/*
 * A traced task leaves the CPU at `now`: its switch-out record but for the header (how long it
 * ran, the state it leaves in), and what its switch-in will need.
 */
static SCT_INLINE void sct_switch_out(struct sct_switch *rec, struct sct_sched_task *st, __u64 now, __u32 cpu,
				      int preempt, __u32 prev_state, __u32 next_tid)
{
	rec->flags = preempt ? SCT_SWITCH_PREEMPT : 0;
	if (st->in_ns && now >= st->in_ns) {
		rec->delta_ns = now - st->in_ns;
	} else {
		rec->delta_ns = 0;
		rec->flags |= SCT_SWITCH_UNKNOWN;
	}
	rec->cpu = cpu;
	rec->state = sct_switch_state(preempt, prev_state);
	rec->raw_state = prev_state;
	rec->other_tid = next_tid;
	rec->pad = 0;
	st->in_ns = 0;
	st->out_ns = now;
	st->wake_ns = 0;
	st->out_state = rec->state;
	st->out_raw = prev_state;
}

/*
 * A traced task is woken at `now` (sched_wakeup: it is on a run queue from now, runnable). Only
 * the first wakeup after its switch-out ends a sleep; one while it is still on its CPU (woken
 * between setting its sleep state and calling the scheduler, so it never slept) is not one.
 */
static SCT_INLINE void sct_switch_wakeup(struct sct_sched_task *st, __u64 now)
{
	if (st->out_ns && !st->wake_ns && now >= st->out_ns)
		st->wake_ns = now;
}

/*
 * A traced task gets the CPU at `now`: its switch-in record but for the header (how long it was
 * off the CPU, as what, and how much of that it waited runnable on a run queue), or 0 when its
 * switch-out came before the trace (no record then).
 */
static SCT_INLINE int sct_switch_in(struct sct_switch *rec, struct sct_sched_task *st, __u64 now, __u32 cpu,
				    __u32 prev_tid)
{
	__u64 out = st->out_ns, wake = st->wake_ns;

	st->in_ns = now;
	st->out_ns = 0;
	st->wake_ns = 0;
	if (!out || now < out)
		return 0;
	rec->delta_ns = now - out;
	rec->cpu = cpu;
	rec->flags = SCT_SWITCH_IN;
	/*
	 * Run-queue wait: all of the time off the CPU for a task that left it runnable (preempted or
	 * yielding); for one that slept, the time since its wakeup. A sleeper whose wakeup was not
	 * seen (the wakeup came through a path without sched_wakeup) has it unknown.
	 */
	if (st->out_state == SCT_STATE_RUNNABLE) {
		rec->runq_ns = now - out;
	} else if (wake && wake <= now) {
		rec->runq_ns = now - wake;
	} else {
		rec->runq_ns = 0;
		rec->flags |= SCT_SWITCH_NO_WAKEUP;
	}
	rec->state = st->out_state;
	rec->raw_state = st->out_raw;
	rec->other_tid = prev_tid;
	rec->pad = 0;
	return 1;
}

/*
 * A task with state st gets the CPU: the traces among `want` whose switch-in record is due, with
 * rec filled but for its header, or 0 (none of them traces it, its state predates sched_gen
 * `gen`, or its switch-out came before the trace).
 */
static SCT_INLINE __u64 sct_sched_in(struct sct_switch *rec, struct sct_sched_task *st, __u64 want, __u32 gen,
				     __u64 now, __u32 cpu, __u32 prev_tid)
{
	__u64 traces = st->traces & want;

	if (!traces || sct_sched_stale(st, gen, 1, now) || !sct_switch_in(rec, st, now, cpu, prev_tid))
		return 0;
	return traces;
}

#endif /* SCTRACE_SCHED_H */
