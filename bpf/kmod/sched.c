// SPDX-License-Identifier: GPL-2.0-only
/*
 * Context switches of traced tasks in the module (TraceSpec.sched_events): the sched_switch and
 * sched_wakeup probes and the per-task state between a task's switches (struct sct_sched_task), which the eBPF side
 * keeps in task storage and the module in a tid table. What a switch record says is worked out by
 * ../shared/sctrace_sched.h, the code the eBPF program runs (../lib/sched.h).
 *
 * - The probes are registered while a trace wants switches (control.c's `set sched`, before the
 *   first such trace shows in `active`) and unregistered after the last; then the table goes.
 *   Other traces pay nothing per switch or wakeup.
 * - Filters apply as for syscalls: a task's switch-out runs in the task (it is still `current`),
 *   so its traces are worked out there as at a syscall entry (sct_sched_traces: with a pid filter
 *   one tgid lookup), and only a traced task gets an entry. Its switch-in looks the entry up (one
 *   lookup): a task nobody traces pays one lookup on each side of a switch.
 * - An entry is read and written by its own task's switches only, which the scheduler orders (a
 *   task's switch-out completes before it can be switched in elsewhere): no lock but the table's
 *   for claiming and removing a key. It goes at the task's last switch (TASK_DEAD).
 * - An exiting task keeps the verdict in its entry: its exit may have dropped its tgid from the
 *   pid table already, and its switches to the last one are still its own.
 */
#include <linux/sched.h>
#include <linux/tracepoint.h>
#include "sctrace_kmod.h"

#define SCT_INLINE inline
#include "sctrace_sched.h"

/* Traced tasks at once whose switches are followed (a power of two); beyond, counted lost. */
#define SCT_SCHED_SLOTS 16384

/* tid → struct sct_sched_task, while the probe is registered. */
static struct sct_u32tab sct_sched_tab;
static struct tracepoint *tp_switch, *tp_wakeup;
unsigned int sct_sched_probes;

/* prev (the current task) leaves the CPU. */
static void sched_out(struct task_struct *prev, u32 next_tid, u64 want, u64 now, u32 cpu, bool preempt,
		      unsigned int prev_state)
{
	struct sct_sched_task *st, init = {};
	struct sct_switch rec;
	u32 tid = prev->pid;
	long slot;
	bool fresh;
	u64 traces;

	if (!tid)
		return;
	if (prev->flags & PF_EXITING) {
		slot = sct_tab_lookup(&sct_sched_tab, tid);
		if (slot < 0)
			return;
		st = sct_tab_val(&sct_sched_tab, slot);
		/* Its verdict, unless worked out for other sched traces (whose slots may be reused). */
		traces = st->sched_gen == sct_ctl.sched_gen ? st->traces & want : 0;
	} else {
		traces = sct_sched_traces(want, prev->tgid);
		if (!traces)
			return;
		slot = sct_tab_lookup(&sct_sched_tab, tid);
		if (slot < 0)
			slot = sct_tab_claim(&sct_sched_tab, tid, &init, &fresh);
		if (slot < 0) {
			sct_sched_lost(traces);
			return;
		}
		st = sct_tab_val(&sct_sched_tab, slot);
		st->traces = traces;
	}
	if (traces) {
		sct_sched_stale(st, sct_ctl.sched_gen, 0, now);
		sct_switch_out(&rec, st, now, cpu, preempt, prev_state, next_tid);
		sct_sched_submit(&rec, traces, now, NULL);
	}
	if (prev_state & SCT_TASK_DEAD)
		sct_tab_remove_at(&sct_sched_tab, slot);
}

/* next gets the CPU: a record if its switch-out was traced. */
static void sched_in(struct task_struct *next, u32 prev_tid, u64 want, u64 now, u32 cpu)
{
	struct sct_sched_task *st;
	struct sct_switch rec;
	long slot;
	u64 traces;

	if (!next->pid)
		return;
	slot = sct_tab_lookup(&sct_sched_tab, next->pid);
	if (slot < 0)
		return;
	st = sct_tab_val(&sct_sched_tab, slot);
	traces = sct_sched_in(&rec, st, want, sct_ctl.sched_gen, now, cpu, prev_tid);
	if (traces)
		sct_sched_submit(&rec, traces, now, next);
}

/* Every context switch while a trace wants them (runs with the run queue locked, IRQs off). */
static void probe_switch(void *data, bool preempt, struct task_struct *prev, struct task_struct *next,
			 unsigned int prev_state)
{
	u64 want = READ_ONCE(sct_ctl.sched) & READ_ONCE(sct_ctl.active), now;
	u32 cpu;

	if (!want)
		return;
	now = ktime_get_ns();
	cpu = smp_processor_id();
	sched_out(prev, next->pid, want, now, cpu, preempt, prev_state);
	sched_in(next, prev->pid, want, now, cpu);
}

/*
 * Every wakeup while a trace wants switches (in the waker, with the wakee's run queue locked): one
 * lookup; a traced task's wakeup time, for its switch-in's run-queue wait. The entry may be
 * another task's whose switches write it at the same time only if its slot changed hands between
 * the lookup and the store, which takes the task's death, and then costs one interval's split.
 */
static void probe_wakeup(void *data, struct task_struct *p)
{
	u64 want = READ_ONCE(sct_ctl.sched) & READ_ONCE(sct_ctl.active);
	struct sct_sched_task *st;
	long slot;

	if (!want || !p->pid)
		return;
	slot = sct_tab_lookup(&sct_sched_tab, p->pid);
	if (slot < 0)
		return;
	st = sct_tab_val(&sct_sched_tab, slot);
	if ((st->traces & want) && st->sched_gen == sct_ctl.sched_gen)
		sct_switch_wakeup(st, ktime_get_ns());
}

static void find_tracepoints(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sched_switch"))
		tp_switch = tp;
	else if (!strcmp(tp->name, "sched_wakeup"))
		tp_wakeup = tp;
}

/* Registers the probe (and makes its table) unless it is registered. Called with sct_lock held. */
int sct_sched_enable(void)
{
	int err;

	if (sct_sched_probes)
		return 0;
	if (!tp_switch || !tp_wakeup)
		for_each_kernel_tracepoint(find_tracepoints, NULL);
	if (!tp_switch || !tp_wakeup)
		return -ENOENT;
	err = sct_tab_init(&sct_sched_tab, SCT_SCHED_SLOTS, sizeof(struct sct_sched_task));
	if (err)
		return err;
	/* The wakeups first, so a switch-in never misses a wakeup it should have seen. */
	err = tracepoint_probe_register(tp_wakeup, probe_wakeup, NULL);
	if (!err) {
		err = tracepoint_probe_register(tp_switch, probe_switch, NULL);
		if (err) {
			WARN_ON(tracepoint_probe_unregister(tp_wakeup, probe_wakeup, NULL));
			tracepoint_synchronize_unregister();
		}
	}
	if (err) {
		sct_tab_free(&sct_sched_tab);
		return err;
	}
	sct_sched_probes = 2;
	return 0;
}

/* Unregisters the probe, waits until none runs, frees its table. Called with sct_lock held. */
void sct_sched_disable(void)
{
	if (!sct_sched_probes)
		return;
	WARN_ON(tracepoint_probe_unregister(tp_switch, probe_switch, NULL));
	WARN_ON(tracepoint_probe_unregister(tp_wakeup, probe_wakeup, NULL));
	sct_sched_probes = 0;
	tracepoint_synchronize_unregister();
	sct_tab_free(&sct_sched_tab);
}
