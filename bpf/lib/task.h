/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The current task: which traces its filters select (the lookups ../shared/sctrace_masks.h
 * needs), its pid verdict cache, the traces its children inherit, and its fields of the record
 * header.
 */
#ifndef SCT_LIB_TASK_H
#define SCT_LIB_TASK_H

static __always_inline __u64 sct_tgid_traces(__u32 tgid)
{
	__u64 *v = bpf_map_lookup_elem(&sct_tgids, &tgid);

	return v ? *v : 0;
}

static __always_inline __u64 sct_comm_traces(void)
{
	/*
	 * Zero-padded to 16 bytes, as user space writes the keys. Zeroed here first: on some kernels
	 * (6.1 in the qemu test) bpf_get_current_comm copies with strscpy and leaves the bytes after
	 * the NUL as they were, and most lookups then missed.
	 */
	char comm[SCT_COMM_LEN] = {};
	__u64 *v;

	bpf_get_current_comm(comm, sizeof(comm));
	v = bpf_map_lookup_elem(&sct_comms, comm);
	return v ? *v : 0;
}

static __always_inline __u64 sct_uid_traces(__u32 uid)
{
	__u64 *v = bpf_map_lookup_elem(&sct_uids, &uid);

	return v ? *v : 0;
}

static __always_inline __u64 sct_cgroup_traces(__u64 cgid)
{
	__u64 *v = bpf_map_lookup_elem(&sct_cgroups, &cgid);

	return v ? *v : 0;
}

static __always_inline __u32 sct_current_uid(void)
{
	return (__u32)bpf_get_current_uid_gid();
}

static __always_inline __u64 sct_current_cgroup(void)
{
	return bpf_get_current_cgroup_id();
}

#include "sctrace_masks.h"

/* What ../shared/sctrace_signal.h asks about a task that need not be the current one. */
static __always_inline __u64 sct_task_comm_traces(struct task_struct *t)
{
	char comm[SCT_COMM_LEN] = {};
	__u64 *v;

	bpf_probe_read_kernel_str(comm, sizeof(comm), &t->comm);
	v = bpf_map_lookup_elem(&sct_comms, comm);
	return v ? *v : 0;
}

#define sct_task_uid(t) ((__u32)BPF_CORE_READ((t), cred, uid.val))
#define sct_task_cgroup(t) ((__u64)BPF_CORE_READ((t), cgroups, dfl_cgrp, kn, id))

static __always_inline bool sct_task_in_syscall(struct task_struct *t)
{
	struct sct_inflight *fl = bpf_task_storage_get(&sct_inflight, t, NULL, 0);

	return fl && fl->active;
}

/* Task t's action for signal sig: its handler (SIG_DFL 0, SIG_IGN 1), its SA_* flags in *flags. */
static __always_inline __u64 sct_task_action(struct task_struct *t, int sig, __u64 *flags)
{
	struct sighand_struct *sh = BPF_CORE_READ(t, sighand);
	__u64 handler = 0;

	if (sig < 1 || sig > 64 || !sh)
		return 0;
	bpf_core_read(&handler, sizeof(handler), &sh->action[sig - 1].sa.sa_handler);
	bpf_core_read(flags, sizeof(*flags), &sh->action[sig - 1].sa.sa_flags);
	return handler;
}

/*
 * The traces whose pid filter selects tgid, through a one-entry cache per CPU: consecutive
 * syscalls on a CPU mostly come from one process, so the hash lookup is mostly skipped, for
 * traced and untraced processes alike. The cache is keyed by the tgid and sct_ctl.pid_gen, which
 * user space bumps whenever it changes the tgid map or pid_any, and the programs bump when they
 * add a followed child or drop an ended process (a reused pid must not inherit a verdict). A
 * program that nests on this CPU may rewrite the entry meanwhile: the key is read before and
 * after the verdict, and a mismatch falls back to the lookup.
 */
static __always_inline __u64 pid_traces(__u32 tgid)
{
	__u32 zero = 0;
	struct sct_pid_cache *c = bpf_map_lookup_elem(&sct_pid_cache, &zero);
	__u64 key = ((__u64)tgid << 32) | sct_ctl.pid_gen, traces;

	if (!c)
		return sct_tgid_traces(tgid);
	if (SCT_READ_ONCE(c->key) == key) {
		traces = SCT_READ_ONCE(c->traces);
		barrier();
		if (SCT_READ_ONCE(c->key) == key)
			return traces;
	}
	traces = sct_tgid_traces(tgid);
	SCT_WRITE_ONCE(c->key, 0);
	barrier();
	SCT_WRITE_ONCE(c->traces, traces);
	barrier();
	SCT_WRITE_ONCE(c->key, key);
	return traces;
}

/* Invalidates every CPU's pid verdict after the programs changed the tgid map. */
static __always_inline void pid_changed(void)
{
	__sync_fetch_and_add(&sct_ctl.pid_gen, 1);
}

/* The current task's traces among `want`. */
static __always_inline __u64 task_traces(__u64 want, __u32 tgid)
{
	__u64 pid = 0;

	if (want & ~sct_ctl.pid_any)
		pid = pid_traces(tgid);
	return sct_task_traces(&sct_ctl, want, tgid, &pid);
}

/*
 * Adds `traces` to a new child's tgid entry. The entry normally does not exist yet (the child
 * was just created); user space never writes a tgid that has no process, and the programs write
 * an entry only here, so a concurrent writer of the same key is a pid reused within the fork.
 */
static __always_inline void add_tgid_traces(__u32 tgid, __u64 traces)
{
	__u64 *v;

	if (bpf_map_update_elem(&sct_tgids, &tgid, &traces, BPF_NOEXIST)) {
		v = bpf_map_lookup_elem(&sct_tgids, &tgid);
		if (v)
			__sync_fetch_and_or(v, traces);
	}
	pid_changed();
}

/* Task t's fields of a record header but the cgroup id (the current task, or sched_switch's next). */
static __always_inline void sct_header_of(struct sct_header *h, struct task_struct *t)
{
	/*
	 * Real uid/gid by plain loads: bpf_get_current_uid_gid maps them through init_user_ns, an
	 * identity, at ~30 ns per record on the reference VM (docs/kernel-costs.md).
	 */
	const struct cred *cred = t->cred;
	const __u64 *comm = (const __u64 *)t->comm;

	h->pid = t->tgid;
	h->tid = t->pid;
	h->ppid = t->real_parent->tgid;
	h->uid = cred->uid.val;
	h->gid = cred->gid.val;
	/*
	 * Two plain loads instead of bpf_get_current_comm (~50 ns per record here). Older kernels may
	 * leave stale bytes after the NUL; readers stop at the first NUL.
	 */
	((__u64 *)h->comm)[0] = comm[0];
	((__u64 *)h->comm)[1] = comm[1];
}

/* The task fields of a record header for task t, which need not be current (sct_fill_header_of). */
static __always_inline void sct_header_task_of(struct sct_header *h, struct task_struct *t)
{
	sct_header_of(h, t);
	h->cgroup_id = BPF_CORE_READ(t, cgroups, dfl_cgrp, kn, id);
}

/* The current task's fields of a record header (the rest: sct_fill_header, sctrace_blobs.h). */
static __always_inline void sct_header_task(struct sct_header *h)
{
	sct_header_of(h, bpf_get_current_task_btf());
	h->cgroup_id = bpf_get_current_cgroup_id();
}

#endif /* SCT_LIB_TASK_H */
