/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Syscall entry and exit, paired per thread in its in-flight slot (task storage), and the record
 * of a completed call. One evaluation at entry gives the set of traces that want the call; that
 * set travels in the slot to the record.
 *
 * Pairing: the in-flight slot is per-thread task storage rather than a hash keyed by tid. On the
 * reference VM that took about 100 ns off each of entry and exit (a preallocated hash update +
 * delete per call cost ~200 ns; docs/kernel-costs.md), needs no preallocation and no size limit,
 * and is freed with the thread. Strings are read at exit, when the kernel has just faulted them
 * in, except for calls marked enter_str (execve, execveat): a successful exec replaces the
 * address space, so theirs are read at entry and parked per tid in sct_enter_strs. A thread that
 * dies inside a call gets its record from sched_process_exit, marked SCT_F_NO_RETURN.
 */
#ifndef SCT_LIB_SYSCALL_H
#define SCT_LIB_SYSCALL_H

/*
 * Parks the string arguments and entry-time reads of an execve-like call before the address
 * space can go away: built in `parked` (a scratch buffer), stored by tid.
 */
static __always_inline void park_enter_strings(__u32 tid, const struct sct_inflight *fl,
					       struct sct_enter_strs *parked)
{
	if (!parked)
		return;
	sct_park_blobs(fl, parked);
	/* On failure (table full) sys_exit reads the strings instead; entry values are missing. */
	bpf_map_update_elem(&sct_enter_strs, &tid, parked, BPF_ANY);
}

/* What sct_repark_cb parks again. */
struct sct_repark_walk {
	const struct sct_inflight *fl;
	__u32 tid;
};

/*
 * bpf_loop callback (one run): parks a failed exec's strings again. A callback so the verifier
 * checks the parking once, apart from the record assembly that follows in the same program.
 */
static long sct_repark_cb(__u64 i, void *data)
{
	struct sct_repark_walk *w = data;

	park_enter_strings(w->tid, w->fl, (struct sct_enter_strs *)scratch(SCT_SLOT_SYS_ENTER));
	return 1;
}

/*
 * Emits the syscall record of an active in-flight slot from the given scratch slot, for the
 * traces that wanted it at entry and still run, and drops its parked enter-time strings. The
 * caller idles the in-flight slot.
 */
static __always_inline void emit_syscall(__u32 slot, const struct sct_inflight *fl, __s64 ret,
					 __u32 flags)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct sct_enter_strs *parked = NULL;
	__u64 traces = sct_admit_traces(fl->traces), avail;
	__u32 size;
	__u16 nblob;
	__u8 *buf;

	if (sct_parks(fl))
		parked = bpf_map_lookup_elem(&sct_enter_strs, &tid);
	if (!traces)
		goto out;
	if (parked && sct_repark(fl, ret)) {
		struct sct_repark_walk w = { .fl = fl, .tid = tid };

		/* A failed exec: its strings again, now that the call has faulted them in. */
		bpf_loop(1, sct_repark_cb, &w, 0);
		parked = bpf_map_lookup_elem(&sct_enter_strs, &tid);
	}
	buf = scratch(slot);
	if (!buf) {
		sct_count_lost(traces, SCT_LOSS_RING);
		goto out;
	}
	size = sct_syscall_blobs(buf, fl, ret, flags & SCT_F_NO_RETURN, parked, &nblob);
	avail = ring_avail();
	traces = sct_charge_traces(traces, size, avail, &flags);
	if (!traces)
		goto out;
	sct_fill_syscall((struct sct_syscall *)buf, fl, ret, nblob, size, flags, traces);
	submit_scratch(buf, size, avail);
out:
	if (parked)
		bpf_map_delete_elem(&sct_enter_strs, &tid);
}

/*
 * A syscall record without blobs (no strings, no extra reads), the common case: built in place
 * in the ring instead of in a scratch buffer copied by bpf_ringbuf_output (~40 ns less per call
 * on the reference VM). The same bytes as emit_syscall would submit.
 */
static __always_inline void emit_plain_syscall(const struct sct_inflight *fl, __s64 ret)
{
	__u64 traces = sct_admit_traces(fl->traces), avail;
	struct sct_syscall *rec;
	__u32 flags = 0;

	if (!traces)
		return;
	avail = ring_avail();
	traces = sct_charge_traces(traces, sizeof(*rec), avail, &flags);
	if (!traces)
		return;
	rec = bpf_ringbuf_reserve(&sct_events, sizeof(*rec), 0);
	if (!rec) {
		sct_uncharge_traces(traces, sizeof(*rec), flags);
		sct_count_lost(traces, SCT_LOSS_RING);
		return;
	}
	sct_fill_syscall(rec, fl, ret, 0, sizeof(*rec), flags, traces);
	bpf_ringbuf_submit(rec, wake_flags(sizeof(*rec), avail));
}

/* Emits the thread's in-flight call, if any, as completed with `ret`. */
static __always_inline void exit_done(__s64 ret)
{
	struct sct_inflight *fl = bpf_task_storage_get(&sct_inflight, bpf_get_current_task_btf(), NULL, 0);

	if (!fl || !fl->active)
		return;
	if (!fl->str_mask && !fl->reads && !fl->enter_str)
		emit_plain_syscall(fl, ret);
	else
		emit_syscall(SCT_SLOT_SYS_EXIT, fl, ret, 0);
	fl->active = 0;
}

/*
 * Which traces want syscall `nr` of the current thread, by every filter: the syscall's mask
 * first (one array load; most syscalls of most tasks stop here when traces are narrow), then the
 * service's own tgid, then the pid verdict (cached per CPU, see pid_traces), then comm, uid and
 * cgroup, which can change under a thread and are checked every time. Returns the thread's
 * in-flight slot when some trace wants the call (with its traces stored), NULL otherwise.
 */
static __always_inline struct sct_inflight *enter_slot(__u32 nr, __u64 pid_tgid)
{
	__u32 tgid = pid_tgid >> 32;
	struct sct_inflight *fl;
	__u64 want, pid;

	if (nr >= SCT_NR_MAX)
		return NULL;
	/* Keeps clang from indexing before the check, which the verifier then cannot see. */
	barrier_var(nr);
	want = sct_ctl.sys_traces[nr];
	if (!want || tgid == self_tgid)
		return NULL;
	if (want & ~sct_ctl.pid_any) {
		pid = pid_traces(tgid);
		want &= sct_ctl.pid_any | pid;
		if (!want)
			return NULL;
	}
	want = sct_task_traces(&sct_ctl, want, tgid, &pid);
	if (!want)
		return NULL;
	fl = bpf_task_storage_get(&sct_inflight, bpf_get_current_task_btf(), NULL,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!fl) {
		sct_count_lost(want, SCT_LOSS_INFLIGHT);
		return NULL;
	}
	fl->traces = want;
	return fl;
}

/* Completes an entry whose arguments the caller stored in fl->args. */
static __always_inline void enter_done(struct sct_inflight *fl, __u32 nr, __u32 tid)
{
	const struct sct_syscall_meta *meta = bpf_map_lookup_elem(&sct_syscall_tab, &nr);

	fl->enter_ns = bpf_ktime_get_ns();
	fl->nr = nr;
	fl->str_mask = meta ? meta->str_mask : 0;
	fl->path_mask = meta ? meta->path_mask : 0;
	fl->enter_str = meta ? meta->enter_str : 0;
	fl->reads = meta ? meta->reads : 0;
	fl->active = 1;
	if (fl->reads) {
		sct_read_at_entry(fl);
		sct_read_sigmask_at_entry(fl);
	}
	if (sct_parks(fl))
		park_enter_strings(tid, fl, (struct sct_enter_strs *)scratch(SCT_SLOT_SYS_ENTER));
}

/*
 * The context of a BPF program on a per-syscall tracepoint (syscalls/sys_enter_<name>,
 * syscalls/sys_exit_<name>), as the kernel's perf path builds it for BPF and as tracefs'
 * format files describe: the common fields, the syscall number at 8, the arguments or the return
 * value at 16. Only the syscall's own arguments are filled in; the rest is not initialized.
 */
struct sct_tp_sys_enter {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__u64 args[SCT_MAX_ARGS];
};

struct sct_tp_sys_exit {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__s64 ret;
};

#endif /* SCT_LIB_SYSCALL_H */
