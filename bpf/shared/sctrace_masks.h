/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Which traces want an event: the filter evaluation of the one kernel pass, shared by the eBPF
 * programs and the kernel module (as falcosecurity/libs shares its flag helpers between its
 * drivers). Include it after sctrace_event.h, having defined:
 *
 *   SCT_INLINE                 the inline qualifier of the includer (__always_inline for BPF)
 *   sct_tgid_traces(tgid)      __u64: traces whose pid filter lists tgid (its own or inherited)
 *   sct_comm_traces()          __u64: traces whose comm filter lists the current task's comm
 *   sct_uid_traces(uid)        __u64: traces whose uid filter lists uid
 *   sct_cgroup_traces(cgid)    __u64: traces whose cgroup filter lists cgid
 *   sct_current_uid()          __u32: the current task's real uid
 *   sct_current_cgroup()       __u64: the current task's cgroup v2 id
 *
 * Semantics (as a single trace's filters had): kinds combine with AND, values of one kind with
 * OR, an empty filter does not restrict. A trace without a filter of some kind has its bit in
 * that kind's *_any mask, so one evaluation serves every trace: a filter kind is only looked up
 * when a trace still in the running set filters on it.
 */
#ifndef SCTRACE_MASKS_H
#define SCTRACE_MASKS_H

/*
 * The current task's traces among `want` by the pid, comm, uid and cgroup filters. `pid_traces`
 * is the tgid's pid verdict when the caller has it cached (see struct sct_pid_cache), or NULL.
 */
static SCT_INLINE __u64 sct_task_traces(const struct sct_control *c, __u64 want, __u32 tgid,
					const __u64 *pid_traces)
{
	if (want & ~c->pid_any)
		want &= c->pid_any | (pid_traces ? *pid_traces : sct_tgid_traces(tgid));
	if (want & ~c->comm_any)
		want &= c->comm_any | sct_comm_traces();
	if (want & ~c->uid_any)
		want &= c->uid_any | sct_uid_traces(sct_current_uid());
	if (want & ~c->cgroup_any)
		want &= c->cgroup_any | sct_cgroup_traces(sct_current_cgroup());
	return want;
}

/*
 * The traces a child of process `parent_traces` inherits at fork: those following children
 * (follow_children copies the parent's bits to the child, as strace -f follows).
 */
static SCT_INLINE __u64 sct_inherited_traces(const struct sct_control *c, __u64 parent_traces)
{
	return parent_traces & c->follow & c->active;
}

/* de Bruijn sequence 0x03f79d71b4cb0a89: bit i of a one-bit mask → i, without a loop. */
static const __u8 sct_debruijn64[64] = {
	0,  1,  48, 2,  57, 49, 28, 3,  61, 58, 50, 42, 38, 29, 17, 4,  62, 55, 59, 36, 53, 51,
	43, 22, 45, 39, 33, 30, 24, 18, 12, 5,  63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21,
	44, 32, 23, 11, 46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9,  13, 8,  7,  6,
};

/*
 * The slot of the lowest trace in a non-empty mask. A record for several traces is charged to
 * this one's budget only (the first of its traces pays for what they share), so that admitting a
 * record costs the same however many traces want it.
 */
static SCT_INLINE __u32 sct_first_slot(__u64 traces)
{
	/* The mask restates for the BPF verifier that the table holds slots only. */
	return sct_debruijn64[((traces & -traces) * 0x03f79d71b4cb0a89ull) >> 58] & (SCT_TRACES_MAX - 1);
}

/* string_max as the readers apply it: the largest of the running traces, within the contract. */
static SCT_INLINE __u32 sct_string_cap(const struct sct_control *c)
{
	__u32 cap = c->string_max;

	if (cap == 0)
		cap = SCT_STR_DEFAULT;
	if (cap > SCT_STR_MAX)
		cap = SCT_STR_MAX;
	return cap;
}

/* Data buffer bytes for a record for `traces`: 0 unless one of them wants buffers. */
static SCT_INLINE __u32 sct_buffer_cap(const struct sct_control *c, __u64 traces)
{
	__u32 cap = c->buffer_bytes;

	if (!(traces & c->buffers))
		return 0;
	return cap > SCT_STR_MAX ? SCT_STR_MAX : cap;
}

#endif /* SCTRACE_MASKS_H */
