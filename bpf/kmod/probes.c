// SPDX-License-Identifier: GPL-2.0-only
/*
 * The tracepoint probes and the start/stop of a trace. The semantics follow the eBPF programs in
 * ../sctrace.bpf.c record for record:
 * - sys_enter filters, cheapest test first (the service's own tgids, the syscall table, then the
 *   task filters), and gives a call that passes an in-flight entry keyed by tid; sys_exit does
 *   one lock-free lookup and nothing on a miss.
 * - Strings are read at exit, when the kernel has just faulted them in, except for calls marked
 *   enter_str (execve, execveat): a successful exec replaces the address space, so theirs are read
 *   at entry and parked. A thread that dies inside a call gets its record from
 *   sched_process_exit, flagged SCT_F_NO_RETURN. A non-leader exec takes the leader's tid;
 *   sched_process_exec moves the in-flight entry to it.
 * - Probes run with preemption disabled (__DO_TRACE in include/linux/tracepoint.h) and must not
 *   fault: user memory is read with page faults disabled (strncpy_from_user_nofault is not
 *   exported to modules on 6.1, so its body is repeated here) and copy_from_user_nofault.
 * - A record is assembled in this CPU's scratch buffer, then copied into the ring; when the ring
 *   is full it is dropped and counted, never waited for.
 */
#include <linux/binfmts.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vmalloc.h>
#include <asm/syscall.h>
#include "sctrace_kmod.h"

static_assert(sizeof(struct sct_header) == 64);
static_assert(sizeof(struct sct_syscall) == 136);
static_assert(sizeof(struct sct_exec) == 72);
static_assert(sizeof(struct sct_fork) == 72);
static_assert(sizeof(struct sct_exit) == 72);
static_assert(sizeof(struct sct_str) == 8);
/* Six longest strings behind a syscall record fit one scratch buffer, and so do parked blobs. */
static_assert(sizeof(struct sct_syscall) + SCT_MAX_ARGS * SCT_BLOB_ROOM <= SCT_SCRATCH_BYTES);
static_assert(sizeof(struct sct_syscall) + sizeof(((struct sct_parked *)0)->blobs) <= SCT_SCRATCH_BYTES);
static_assert(sizeof(struct sct_read) == 8);

/* ---- small helpers ---- */

static u8 *scratch_get(struct sct_trace *t)
{
	struct sct_cpu *c = this_cpu_ptr(t->cpu);

	if (c->busy) {
		sct_count(t, SCT_KSTAT_LOST_BUSY);
		return NULL;
	}
	c->busy = 1;
	barrier();
	return c->scratch;
}

static void scratch_put(struct sct_trace *t)
{
	barrier();
	this_cpu_ptr(t->cpu)->busy = 0;
}

static void submit(struct sct_trace *t, const void *rec, u32 size)
{
	bool woke;

	if (!sct_ring_write(&t->ring, rec, size, &woke)) {
		sct_count(t, SCT_KSTAT_LOST_RING);
		return;
	}
	sct_count(t, SCT_KSTAT_EMITTED);
	if (woke)
		sct_count(t, SCT_KSTAT_WAKEUPS);
}

static u64 current_cgroup_id(void)
{
#ifdef CONFIG_CGROUPS
	u64 id;

	rcu_read_lock();
	id = cgroup_id(task_dfl_cgroup(current));
	rcu_read_unlock();
	return id;
#else
	return 0;
#endif
}

static void fill_header(struct sct_header *h, u16 kind, u32 size, u32 flags, u64 now)
{
	struct task_struct *task = current;
	const struct cred *cred = current_cred();

	h->kind = kind;
	h->version = SCT_ABI_VERSION;
	h->size = size;
	h->ts_ns = now;
	h->pid = task->tgid;
	h->tid = task->pid;
	rcu_read_lock();
	h->ppid = rcu_dereference(task->real_parent)->tgid;
	rcu_read_unlock();
	h->uid = from_kuid(&init_user_ns, cred->uid);
	h->gid = from_kgid(&init_user_ns, cred->gid);
	h->flags = flags;
	h->cgroup_id = current_cgroup_id();
	strscpy_pad(h->comm, task->comm, sizeof(h->comm));
}

static bool excluded(const struct sct_trace *t, u32 tgid)
{
	u32 i;

	for (i = 0; i < t->nexclude; i++)
		if (t->exclude[i] == tgid)
			return true;
	return false;
}

/* The AND of the enabled task filters, for the current task. */
static bool task_matches(struct sct_trace *t, u32 tgid)
{
	u32 i;

	if (t->filter_pids && sct_tab_lookup(&t->tgids, tgid) < 0)
		return false;
	if (t->ncomms) {
		char comm[SCT_COMM_LEN];

		strscpy_pad(comm, current->comm, sizeof(comm));
		for (i = 0; i < t->ncomms; i++)
			if (!memcmp(comm, t->comms[i], SCT_COMM_LEN))
				break;
		if (i == t->ncomms)
			return false;
	}
	if (t->nuids) {
		u32 uid = from_kuid(&init_user_ns, current_uid());

		for (i = 0; i < t->nuids; i++)
			if (t->uids[i] == uid)
				break;
		if (i == t->nuids)
			return false;
	}
	if (t->ncgroups) {
		u64 id = current_cgroup_id();

		for (i = 0; i < t->ncgroups; i++)
			if (t->cgroups[i] == id)
				break;
		if (i == t->ncgroups)
			return false;
	}
	return true;
}

/* ---- string blobs ---- */

/* Writes a blob header, clears the padding after the text, returns the offset after the blob. */
static u32 finish_blob(u8 *buf, u32 off, u8 arg, u8 flags, u32 len)
{
	struct sct_str *s = (struct sct_str *)(buf + off);
	u32 padded = round_up(len, 8);

	s->arg = arg;
	s->flags = flags;
	s->len = len;
	s->pad = 0;
	memset((u8 *)(s + 1) + len, 0, padded - len);
	return off + sizeof(*s) + padded;
}

/*
 * strncpy_from_user_nofault (mm/maccess.c), which 6.1 does not export to modules: copies at most
 * `count` bytes with page faults disabled; returns the length including the NUL, `count` when
 * the string was cut (dst[count - 1] is then a NUL), or -EFAULT.
 */
static long str_nofault(char *dst, const char __user *src, long count)
{
	long ret;

	if (count <= 0)
		return 0;
	pagefault_disable();
	ret = strncpy_from_user(dst, src, count);
	pagefault_enable();
	if (ret >= count) {
		ret = count;
		dst[ret - 1] = '\0';
	} else if (ret >= 0) {
		ret++;
	}
	return ret;
}

/*
 * Appends a blob for the NUL-terminated user string at `ptr`; returns `off` unchanged when the
 * buffer (`room` bytes) has no space for a longest blob.
 */
static u32 put_user_str(const struct sct_trace *t, u8 *buf, u32 off, u32 room, u8 arg,
			const char __user *ptr)
{
	u32 cap = t->string_max;
	char *text = (char *)(buf + off + sizeof(struct sct_str));
	u8 flags = 0;
	u32 len = 0;
	long n = -EFAULT;

	if (off + SCT_BLOB_ROOM > room)
		return off;
	/* One byte past the cap tells a cut string from one of exactly cap bytes. */
	if (ptr)
		n = str_nofault(text, ptr, cap + 2);
	if (n <= 0) {
		flags = SCT_STR_UNREADABLE;
	} else if (n - 1 > cap) {
		len = cap;
		flags = SCT_STR_TRUNCATED;
	} else {
		len = n - 1;
	}
	return finish_blob(buf, off, arg, flags, len);
}

/* The same for a kernel string (an exec's resolved filename). */
static u32 put_kernel_str(const struct sct_trace *t, u8 *buf, u32 off, u8 arg, const char *str)
{
	u32 cap = t->string_max;
	u8 flags = 0;
	size_t len = 0;

	if (off + SCT_BLOB_ROOM > SCT_SCRATCH_BYTES)
		return off;
	if (!str) {
		flags = SCT_STR_UNREADABLE;
	} else {
		len = strnlen(str, cap + 1);
		if (len > cap) {
			len = cap;
			flags = SCT_STR_TRUNCATED;
		}
		memcpy(buf + off + sizeof(struct sct_str), str, len);
	}
	return finish_blob(buf, off, arg, flags, len);
}

/* Appends one blob per set bit of `mask`, at most `max`; counts them in *nstr. */
static u32 put_user_strs(const struct sct_trace *t, u8 *buf, u32 off, u32 room, u8 mask,
			 const u64 *args, u16 *nstr, u16 max)
{
	int i;

	for (i = 0; i < SCT_MAX_ARGS; i++) {
		u32 next;

		if (!(mask & (1 << i)) || *nstr >= max)
			continue;
		next = put_user_str(t, buf, off, room, i, (const char __user *)(uintptr_t)args[i]);
		if (next == off)
			break;
		off = next;
		*nstr += 1;
	}
	return off;
}

/* ---- extra reads (struct sct_syscall_reads): the same plan the eBPF programs follow ---- */

static u32 buffer_cap(const struct sct_trace *t)
{
	return min_t(u32, t->buffer_bytes, SCT_STR_MAX);
}

/* Appends the SCT_BLOB_BYTES blob of read r of the call in fl, which returned ret, if it applies. */
static u32 put_bytes(const struct sct_trace *t, u8 *buf, u32 off, const struct sct_read *r,
		     const struct sct_inflight *fl, s64 ret, u16 *nstr)
{
	const void __user *ptr;
	u64 want, cap = r->max;
	u8 flags = 0;
	u32 v;

	if (r->arg >= SCT_MAX_ARGS || r->len_arg >= SCT_MAX_ARGS || off + SCT_BLOB_ROOM > SCT_SCRATCH_BYTES)
		return off;
	ptr = (const void __user *)(uintptr_t)fl->args[r->arg];
	if (!ptr || ((r->flags & SCT_RD_SUCCESS) && ret < 0))
		return off;
	if (r->flags & SCT_RD_BUFFER) {
		if (!buffer_cap(t))
			return off;
		cap = min_t(u64, cap, buffer_cap(t));
	}
	if (r->flags & SCT_RD_STRING)
		cap = min_t(u64, cap, t->string_max);
	switch (r->len_from) {
	case SCT_LEN_FIXED:
		want = r->max;
		break;
	case SCT_LEN_ARG:
		want = fl->args[r->len_arg];
		break;
	case SCT_LEN_ARG_PTR:
		if (!fl->args[r->len_arg] ||
		    copy_from_user_nofault(&v, (const void __user *)(uintptr_t)fl->args[r->len_arg], sizeof(v)))
			return off;
		want = v;
		break;
	case SCT_LEN_RET:
		want = ret > 0 ? ret : 0;
		break;
	default:
		return off;
	}
	if (want > cap) {
		want = cap;
		flags = SCT_STR_TRUNCATED;
	}
	want = min_t(u64, want, SCT_STR_MAX);
	if (want && copy_from_user_nofault(buf + off + sizeof(struct sct_str), ptr, want)) {
		want = 0;
		flags = SCT_STR_UNREADABLE;
	}
	*nstr += 1;
	return finish_blob(buf, off, r->arg, flags | (SCT_BLOB_BYTES << SCT_BLOB_KIND_SHIFT), want);
}

/* Appends the SCT_BLOB_INOUT blob of read r: the value at entry, then the value now. */
static u32 put_inout(u8 *buf, u32 off, const struct sct_read *r, const struct sct_inflight *fl,
		     u16 *nstr)
{
	u8 flags = SCT_BLOB_INOUT << SCT_BLOB_KIND_SHIFT;
	u32 *vals;

	if (r->arg >= SCT_MAX_ARGS || !fl->args[r->arg] || off + SCT_BLOB_ROOM > SCT_SCRATCH_BYTES)
		return off;
	vals = (u32 *)(buf + off + sizeof(struct sct_str));
	vals[0] = fl->inout;
	*nstr += 1;
	if (!fl->inout_ok ||
	    copy_from_user_nofault(&vals[1], (const void __user *)(uintptr_t)fl->args[r->arg], sizeof(vals[1])))
		return finish_blob(buf, off, r->arg, flags | SCT_STR_UNREADABLE, 0);
	return finish_blob(buf, off, r->arg, flags, 2 * sizeof(u32));
}

/* Appends the exit-time reads of the call in fl; a call that never returned wrote no outputs. */
static u32 put_exit_reads(const struct sct_trace *t, u8 *buf, u32 off, const struct sct_inflight *fl,
			  s64 ret, bool no_return, u16 *nstr)
{
	const struct sct_syscall_reads *rd;
	int i;

	if (!fl->reads || no_return || fl->nr >= SCT_NR_MAX)
		return off;
	rd = &t->reads[fl->nr];
	for (i = 0; i < SCT_READS_MAX && rd->read[i].kind != SCT_READ_NONE; i++) {
		const struct sct_read *r = &rd->read[i];

		if (r->flags & SCT_RD_ENTRY)
			continue;
		if (r->kind == SCT_READ_BYTES)
			off = put_bytes(t, buf, off, r, fl, ret, nstr);
		else if (r->kind == SCT_READ_INOUT)
			off = put_inout(buf, off, r, fl, nstr);
	}
	return off;
}

/* Keeps the entry value of the call's SCT_READ_INOUT read (one per call) in fl. */
static void read_inout_at_entry(const struct sct_trace *t, struct sct_inflight *fl)
{
	const struct sct_syscall_reads *rd = &t->reads[fl->nr];
	int i;

	fl->inout_ok = 0;
	for (i = 0; i < SCT_READS_MAX; i++) {
		const struct sct_read *r = &rd->read[i];

		if (r->kind != SCT_READ_INOUT || r->arg >= SCT_MAX_ARGS || !fl->args[r->arg])
			continue;
		fl->inout_ok = !copy_from_user_nofault(&fl->inout,
						       (const void __user *)(uintptr_t)fl->args[r->arg],
						       sizeof(fl->inout));
		return;
	}
}

/* Element i of the user pointer array at uarr: 1 read, 0 the terminating NULL, -1 unreadable. */
static int array_elem(const u64 __user *uarr, u32 i, u64 *p)
{
	if (copy_from_user_nofault(p, uarr + i, sizeof(*p)))
		return -1;
	return *p != 0;
}

/* Appends an SCT_BLOB_COUNT blob: the number of elements of the array at uarr, up to SCT_COUNT_MAX. */
static u32 put_count(u8 *base, u32 off, u32 room, u8 arg, const u64 __user *uarr, u16 *nstr)
{
	u8 flags = SCT_STR_TRUNCATED;
	u32 n = 0;
	u64 p;

	if (off + sizeof(struct sct_str) + 8 > room)
		return off;
	for (; n < SCT_COUNT_MAX; n++) {
		int got = array_elem(uarr, n, &p);

		if (got <= 0) {
			flags = got < 0 ? SCT_STR_UNREADABLE : 0;
			break;
		}
	}
	memcpy(base + off + sizeof(struct sct_str), &n, sizeof(n));
	*nstr += 1;
	return finish_blob(base, off, arg, flags | (SCT_BLOB_COUNT << SCT_BLOB_KIND_SHIFT), sizeof(n));
}

/*
 * Appends an SCT_BLOB_STRV blob for the NULL-terminated string pointer array at uarr: per
 * element a flags byte, the text cut at string_max and at the blob's room, a NUL; at most
 * SCT_STRV_MAX elements and SCT_STRV_BYTES in all.
 */
static u32 put_strv(const struct sct_trace *t, u8 *base, u32 off, u32 room, u8 arg,
		    const u64 __user *uarr, u16 *nstr)
{
	u8 *text = base + off + sizeof(struct sct_str);
	u8 flags = SCT_STR_TRUNCATED;
	u32 i, pos = 0;
	u64 p;

	if (off + SCT_STRV_ROOM > room)
		return off;
	for (i = 0; i < SCT_STRV_MAX; i++) {
		u32 el_cap, tl;
		u8 *el;
		long n;
		int got = array_elem(uarr, i, &p);

		if (got <= 0) {
			flags = got < 0 ? (i == 0 ? SCT_STR_UNREADABLE : SCT_STR_TRUNCATED) : 0;
			break;
		}
		if (pos >= SCT_STRV_BYTES - 2)
			break;
		el_cap = min_t(u32, t->string_max, SCT_STRV_BYTES - 2 - pos);
		el = text + pos;
		n = str_nofault((char *)el + 1, (const char __user *)(uintptr_t)p, el_cap + 1);
		el[0] = 0;
		if (n <= 0) {
			el[0] = SCT_STR_UNREADABLE;
			tl = 0;
		} else {
			char next;

			tl = n - 1;
			/* A read that filled el_cap bytes may have cut the string; look one further. */
			if (tl == el_cap && !copy_from_user_nofault(&next, (const char __user *)(uintptr_t)p + tl, 1) &&
			    next)
				el[0] = SCT_STR_TRUNCATED;
		}
		el[1 + tl] = 0;
		pos += 2 + tl;
	}
	*nstr += 1;
	return finish_blob(base, off, arg, flags | (SCT_BLOB_STRV << SCT_BLOB_KIND_SHIFT), pos);
}

/* Appends the entry-time reads (execve's argv and envp) of the call in fl to parked blobs. */
static u32 put_entry_reads(const struct sct_trace *t, u8 *base, u32 off, u32 room,
			   const struct sct_inflight *fl, u16 *nstr)
{
	const struct sct_syscall_reads *rd = &t->reads[fl->nr];
	int i;

	for (i = 0; i < SCT_READS_MAX && rd->read[i].kind != SCT_READ_NONE; i++) {
		const struct sct_read *r = &rd->read[i];
		const u64 __user *uarr;

		if (!(r->flags & SCT_RD_ENTRY) || r->kind != SCT_READ_STRV || r->arg >= SCT_MAX_ARGS)
			continue;
		uarr = (const u64 __user *)(uintptr_t)fl->args[r->arg];
		if (!uarr)
			continue;
		if ((r->flags & SCT_RD_ENV) && !t->exec_env)
			off = put_count(base, off, room, r->arg, uarr, nstr);
		else
			off = put_strv(t, base, off, room, r->arg, uarr, nstr);
	}
	return off;
}

/* ---- parked enter-time blobs ---- */

static int parked_claim(struct sct_trace *t)
{
	for (;;) {
		int i = find_first_zero_bit(t->parked_used, SCT_PARKED_SLOTS);

		if (i >= SCT_PARKED_SLOTS)
			return -1;
		if (!test_and_set_bit_lock(i, t->parked_used))
			return i;
	}
}

static void parked_release(struct sct_trace *t, int i)
{
	clear_bit_unlock(i, t->parked_used);
}

/* Reads an execve-like call's strings and arrays before the address space can go away. */
static void park_enter_strings(struct sct_trace *t, struct sct_inflight *fl)
{
	struct sct_parked *p;
	u16 nstr = 0;
	int i = parked_claim(t);

	if (i < 0) {
		/* sys_exit reads them instead: fine for a failed exec, unreadable after success. */
		sct_count(t, SCT_KSTAT_PARKED_FULL);
		return;
	}
	p = &t->parked[i];
	p->bytes = put_user_strs(t, p->blobs, 0, SCT_ENTER_STRS * SCT_BLOB_ROOM, fl->str_mask, fl->args,
				 &nstr, SCT_ENTER_STRS);
	if (fl->reads)
		p->bytes = put_entry_reads(t, p->blobs, p->bytes, sizeof(p->blobs), fl, &nstr);
	p->nstr = nstr;
	fl->parked = i;
}

/* ---- records ---- */

/* Emits the syscall record of an in-flight entry (already out of the table) and frees its parking. */
static void emit_syscall(struct sct_trace *t, const struct sct_inflight *fl, s64 ret, u32 flags)
{
	bool no_return = flags & SCT_F_NO_RETURN;
	struct sct_syscall *rec;
	u32 off = sizeof(*rec);
	u16 nstr = 0;
	u8 *buf = scratch_get(t);

	if (!buf)
		goto out;
	rec = (struct sct_syscall *)buf;
	if (fl->parked >= 0) {
		const struct sct_parked *p = &t->parked[fl->parked];

		memcpy(buf + off, p->blobs, p->bytes);
		off += p->bytes;
		nstr = p->nstr;
	} else if (fl->str_mask) {
		off = put_user_strs(t, buf, off, SCT_SCRATCH_BYTES, fl->str_mask, fl->args, &nstr,
				    SCT_MAX_ARGS);
	}
	off = put_exit_reads(t, buf, off, fl, ret, no_return, &nstr);
	memcpy(rec->args, fl->args, sizeof(rec->args));
	rec->ret = ret;
	rec->enter_ns = fl->enter_ns;
	rec->nr = fl->nr;
	rec->nstr = nstr;
	rec->pad = 0;
	fill_header(&rec->hdr, SCT_KIND_SYSCALL, off, flags, ktime_get_ns());
	submit(t, buf, off);
	scratch_put(t);
out:
	if (fl->parked >= 0)
		parked_release(t, fl->parked);
}

/* Takes the in-flight entry of `tid` out of the table into *fl; false when there is none. */
static bool take_inflight(struct sct_trace *t, u32 tid, struct sct_inflight *fl)
{
	long slot = sct_tab_lookup(&t->inflight, tid);

	if (slot < 0)
		return false;
	*fl = *(struct sct_inflight *)sct_tab_val(&t->inflight, slot);
	sct_tab_remove_at(&t->inflight, slot);
	return true;
}

/* ---- probes ---- */

static void probe_sys_enter(void *data, struct pt_regs *regs, long id)
{
	struct sct_trace *t = data;
	u32 tgid = current->tgid, tid = current->pid, nr = (u32)id;
	const struct sct_syscall_meta *meta = nr < SCT_NR_MAX ? &t->sys[nr] : NULL;
	unsigned long args[SCT_MAX_ARGS];
	struct sct_inflight *fl;
	bool fresh;
	long slot;
	int i;

	if (excluded(t, tgid))
		return;
	if (t->filter_syscalls && (!meta || !meta->traced))
		return;
	if (!task_matches(t, tgid))
		return;
	slot = sct_tab_insert_new(&t->inflight, tid, &fresh);
	if (slot < 0) {
		sct_count(t, SCT_KSTAT_LOST_INFLIGHT);
		return;
	}
	fl = sct_tab_val(&t->inflight, slot);
	/* A leftover entry of this thread (its exit was never seen) must not leak its parking. */
	if (!fresh && fl->parked >= 0)
		parked_release(t, fl->parked);
	fl->enter_ns = ktime_get_ns();
	syscall_get_arguments(current, regs, args);
	for (i = 0; i < SCT_MAX_ARGS; i++)
		fl->args[i] = args[i];
	fl->nr = nr;
	fl->str_mask = meta ? meta->str_mask : 0;
	fl->enter_str = meta ? meta->enter_str : 0;
	fl->reads = meta ? meta->reads : 0;
	fl->parked = -1;
	if (fl->reads)
		read_inout_at_entry(t, fl);
	if (fl->enter_str && (fl->str_mask || fl->reads))
		park_enter_strings(t, fl);
}

static void probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	struct sct_trace *t = data;
	struct sct_inflight fl;

	if (take_inflight(t, current->pid, &fl))
		emit_syscall(t, &fl, ret, 0);
}

static void probe_fork(void *data, struct task_struct *parent, struct task_struct *child)
{
	struct sct_trace *t = data;
	u32 tgid = current->tgid;
	struct sct_fork rec;

	/* A new thread is not a new process. */
	if (child->pid != child->tgid || excluded(t, tgid))
		return;
	if (t->filter_pids && t->follow_children && sct_tab_lookup(&t->tgids, tgid) >= 0) {
		bool fresh;

		if (sct_tab_insert_new(&t->tgids, child->tgid, &fresh) < 0)
			sct_count(t, SCT_KSTAT_LOST_FOLLOW);
	}
	if (!t->process_events || !task_matches(t, tgid))
		return;
	memset(&rec, 0, sizeof(rec));
	fill_header(&rec.hdr, SCT_KIND_FORK, sizeof(rec), 0, ktime_get_ns());
	rec.child_pid = child->tgid;
	rec.child_tid = child->pid;
	submit(t, &rec, sizeof(rec));
}

/* Moves a thread's in-flight entry when a non-leader exec gives it the leader's tid. */
static void move_inflight(struct sct_trace *t, u32 from, u32 to)
{
	struct sct_inflight fl;
	bool fresh;
	long slot;

	if (!take_inflight(t, from, &fl))
		return;
	slot = sct_tab_insert_new(&t->inflight, to, &fresh);
	if (slot < 0) {
		sct_count(t, SCT_KSTAT_LOST_INFLIGHT);
		if (fl.parked >= 0)
			parked_release(t, fl.parked);
		return;
	}
	*(struct sct_inflight *)sct_tab_val(&t->inflight, slot) = fl;
}

/*
 * Appends the new image's argument area (the argv strings, each NUL-terminated, as the kernel
 * laid them out at mm->arg_start), at most SCT_ARGV_BYTES of it.
 */
static u32 put_argv(u8 *buf, u32 off, struct task_struct *task, u32 *hflags)
{
	struct mm_struct *mm = task->mm;
	unsigned long start = mm ? mm->arg_start : 0, end = mm ? mm->arg_end : 0;
	size_t len = end > start ? end - start : 0;
	u8 flags = 0;

	if (off + sizeof(struct sct_str) + SCT_ARGV_BYTES + 8 > SCT_SCRATCH_BYTES)
		return off;
	if (len > SCT_ARGV_BYTES) {
		len = SCT_ARGV_BYTES;
		flags = SCT_STR_TRUNCATED;
		*hflags |= SCT_F_ARGV_TRUNCATED;
	}
	if (copy_from_user_nofault(buf + off + sizeof(struct sct_str),
				   (const void __user *)start, len)) {
		len = 0;
		flags = SCT_STR_UNREADABLE;
	}
	return finish_blob(buf, off, 1, flags, len);
}

static void probe_exec(void *data, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct sct_trace *t = data;
	u32 tgid = current->tgid, tid = current->pid, off, next, hflags = 0;
	struct sct_exec *rec;
	u16 nstr = 0;
	u8 *buf;

	if (excluded(t, tgid))
		return;
	if ((u32)old_pid != tid)
		move_inflight(t, old_pid, tid);
	if (!t->process_events || !task_matches(t, tgid))
		return;
	buf = scratch_get(t);
	if (!buf)
		return;
	rec = (struct sct_exec *)buf;
	off = sizeof(*rec);
	next = put_kernel_str(t, buf, off, 0, bprm->filename);
	nstr += next != off;
	off = next;
	next = put_argv(buf, off, p, &hflags);
	nstr += next != off;
	off = next;
	rec->old_pid = old_pid;
	rec->nstr = nstr;
	rec->pad = 0;
	fill_header(&rec->hdr, SCT_KIND_EXEC, off, hflags, ktime_get_ns());
	submit(t, buf, off);
	scratch_put(t);
}

/*
 * Runs in the exiting thread. On 6.1 the tracepoint fires after exit_mm, so the strings of a call
 * that never returned are only delivered when they were parked at entry (UNREADABLE otherwise).
 */
static void on_exit(struct sct_trace *t, struct task_struct *p, bool group_dead)
{
	u32 tgid = current->tgid;
	struct sct_inflight fl;
	struct sct_exit rec;
	long slot;

	if (excluded(t, tgid))
		return;
	if (take_inflight(t, current->pid, &fl))
		emit_syscall(t, &fl, 0, SCT_F_NO_RETURN);
	if (!group_dead)
		return;
	if (t->process_events && task_matches(t, tgid)) {
		memset(&rec, 0, sizeof(rec));
		fill_header(&rec.hdr, SCT_KIND_EXIT, sizeof(rec), 0, ktime_get_ns());
		rec.exit_code = p->exit_code;
		submit(t, &rec, sizeof(rec));
	}
	/* A dead tgid may be reused by an unrelated process. */
	if (t->filter_pids) {
		slot = sct_tab_lookup(&t->tgids, tgid);
		if (slot >= 0)
			sct_tab_remove_at(&t->tgids, slot);
	}
}

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 16, 0)
static void probe_exit(void *data, struct task_struct *p, bool group_dead)
{
	on_exit(data, p, group_dead);
}
#else
static void probe_exit(void *data, struct task_struct *p)
{
	/* Exact only for the last thread; two racing last threads may both see 0 (as on eBPF). */
	on_exit(data, p, atomic_read(&p->signal->live) == 0);
}
#endif

/* ---- registration ---- */

struct sct_hook {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

/* In registration order; unregistered in reverse. */
static struct sct_hook hooks[] = {
	{ "sched_process_exit", probe_exit },
	{ "sched_process_fork", probe_fork },
	{ "sched_process_exec", probe_exec },
	{ "sys_exit", probe_sys_exit },
	{ "sys_enter", probe_sys_enter },
};

static void find_hook(struct tracepoint *tp, void *priv)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(hooks); i++)
		if (!hooks[i].tp && !strcmp(tp->name, hooks[i].name))
			hooks[i].tp = tp;
}

/* Finds the tracepoints by name (__tracepoint_sys_enter is not exported). */
int sct_probes_init(void)
{
	size_t i;

	for_each_kernel_tracepoint(find_hook, NULL);
	for (i = 0; i < ARRAY_SIZE(hooks); i++) {
		if (!hooks[i].tp) {
			pr_err("sctrace: tracepoint %s not found in this kernel\n", hooks[i].name);
			return -ENOENT;
		}
	}
	return 0;
}

static void unregister_probes(struct sct_trace *t)
{
	while (t->probes_registered > 0) {
		struct sct_hook *h = &hooks[--t->probes_registered];

		WARN_ON(tracepoint_probe_unregister(h->tp, h->probe, t));
	}
	/* No probe runs past this point; the trace's memory may be freed afterwards. */
	tracepoint_synchronize_unregister();
}

static int allocate(struct sct_trace *t)
{
	int cpu, err;

	err = sct_tab_init(&t->inflight, SCT_INFLIGHT_SLOTS, sizeof(struct sct_inflight));
	if (err)
		return err;
	t->parked = vzalloc(array_size(SCT_PARKED_SLOTS, sizeof(struct sct_parked)));
	if (!t->parked)
		return -ENOMEM;
	t->cpu = alloc_percpu(struct sct_cpu);
	if (!t->cpu)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct sct_cpu *c = per_cpu_ptr(t->cpu, cpu);

		c->scratch = vzalloc(SCT_SCRATCH_BYTES);
		if (!c->scratch)
			return -ENOMEM;
	}
	return sct_ring_init(&t->ring, t->ring_bytes, t->wakeup_bytes);
}

/* Allocates the run-time state and registers every probe. Called with sct_lock held. */
int sct_trace_start(struct sct_trace *t)
{
	int err;

	err = allocate(t);
	if (err) {
		snprintf(t->error, sizeof(t->error), "start: cannot allocate ring and tables (%u-byte ring)",
			 (u32)t->ring_bytes);
		return err;
	}
	for (t->probes_registered = 0; t->probes_registered < ARRAY_SIZE(hooks); t->probes_registered++) {
		struct sct_hook *h = &hooks[t->probes_registered];

		err = tracepoint_probe_register(h->tp, h->probe, t);
		if (err) {
			snprintf(t->error, sizeof(t->error), "start: register probe on %s: error %d",
				 h->name, err);
			unregister_probes(t);
			return err;
		}
	}
	WRITE_ONCE(t->state, SCT_RUNNING);
	return 0;
}

/* Unregisters every probe, waits until none runs, and ends the reader's wait. */
void sct_trace_stop(struct sct_trace *t)
{
	if (t->state != SCT_RUNNING)
		return;
	unregister_probes(t);
	WRITE_ONCE(t->state, SCT_STOPPED);
	irq_work_sync(&t->ring.wake_work);
	wake_up_all(&t->ring.wq);
}
