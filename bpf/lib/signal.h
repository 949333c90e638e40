/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Signal deliveries to traced tasks on eBPF (TraceSpec.signal_events): the signal_deliver
 * program. It runs in the task the signal is delivered to (get_signal, on its way back to user
 * space), so the filters apply as at a syscall of that task, and the record sits in order with
 * the task's syscall records. The record and the filter choice are ../shared/sctrace_signal.h's.
 */
#ifndef SCT_LIB_SIGNAL_H
#define SCT_LIB_SIGNAL_H

/*
 * Ring room for a signal record for the admitted traces *want (charged to a budget under
 * pressure, which may narrow *want), or NULL with the losses counted.
 */
static __always_inline struct sct_signal *signal_reserve(__u64 *want, __u32 *hflags, __u64 *avail)
{
	struct sct_signal *rec;

	*avail = ring_avail();
	*want = sct_charge_traces(*want, sizeof(*rec), *avail, hflags);
	if (!*want)
		return NULL;
	rec = bpf_ringbuf_reserve(&sct_events, sizeof(*rec), 0);
	if (!rec) {
		sct_uncharge_traces(*want, sizeof(*rec), *hflags);
		sct_count_lost(*want, SCT_LOSS_RING);
	}
	return rec;
}

/*
 * Attached while a trace wants signals (user space attaches it for the first such trace and
 * detaches it after the last): a signal of a task nobody traces costs the filter evaluation.
 */
SEC("tp_btf/signal_deliver")
int BPF_PROG(sct_signal_deliver, int sig, struct kernel_siginfo *info, struct k_sigaction *ka)
{
	__u64 want = sct_signal_want(&sct_ctl), avail;
	__u32 tgid = bpf_get_current_pid_tgid() >> 32, hflags = 0;
	struct sct_signal *rec;

	if (!want || tgid == self_tgid)
		return 0;
	want = sct_admit_traces(task_traces(want, tgid));
	rec = want ? signal_reserve(&want, &hflags, &avail) : NULL;
	if (!rec)
		return 0;
	sct_signal_fill(rec, sig, info, (__u64)BPF_CORE_READ(ka, sa.sa_handler), BPF_CORE_READ(ka, sa.sa_flags));
	sct_fill_header(&rec->hdr, SCT_KIND_SIGNAL, sizeof(*rec), hflags, bpf_ktime_get_ns(), want);
	bpf_ringbuf_submit(rec, wake_flags(sizeof(*rec), avail));
	return 0;
}

/*
 * A signal the kernel discarded as it was sent, because its target ignores it (sct_signal_ignored):
 * never delivered, so signal_deliver never sees it, but strace shows it (under ptrace the kernel
 * queues it), and a shell's or a make's SIGCHLDs are most of the signal lines of a trace. Runs in
 * the sender for every signal sent on the host while attached (with the deliver program); stops at
 * the tracepoint's result for a signal that was queued.
 */
SEC("tp_btf/signal_generate")
int BPF_PROG(sct_signal_generate, int sig, struct kernel_siginfo *info, struct task_struct *task, int group, int result)
{
	__u64 want = sct_signal_want(&sct_ctl), avail, pid_tgid, flags;
	__u32 hflags = 0, tgid;
	struct sct_signal *rec;

	if (result != SCT_TRACE_SIGNAL_IGNORED || !want)
		return 0;
	tgid = task->tgid;
	if (tgid == self_tgid || !sct_signal_ignored(sig, sct_task_action(task, sig, &flags)))
		return 0;
	want = sct_admit_traces(sct_other_task_traces(&sct_ctl, want, task));
	rec = want ? signal_reserve(&want, &hflags, &avail) : NULL;
	if (!rec)
		return 0;
	pid_tgid = bpf_get_current_pid_tgid();
	sct_signal_fill_discarded(rec, sig, info, task, pid_tgid >> 32, (__u32)bpf_get_current_uid_gid());
	sct_fill_header_of(&rec->hdr, SCT_KIND_SIGNAL, sizeof(*rec), hflags, bpf_ktime_get_ns(), want, task);
	bpf_ringbuf_submit(rec, wake_flags(sizeof(*rec), avail));
	return 0;
}

#endif /* SCT_LIB_SIGNAL_H */
