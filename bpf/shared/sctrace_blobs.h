/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Record assembly of sctrace's kernel side, written once for the eBPF programs (../lib/) and the
 * kernel module (../kmod/probes.c), as falcosecurity/libs shares its flag helpers between its
 * drivers: the in-flight call, the parked enter-time blobs, the blob writers (strings, bytes
 * behind pointers, in-out values, string arrays and their counts, an exec's argument area), the
 * length choices of the per-syscall reads, and the fixed part of a syscall record. The record
 * layouts are those of sctrace_event.h.
 *
 * Include after sctrace_event.h, sctrace_kernel.h (the structs it fills) and sctrace_masks.h
 * (whose SCT_INLINE and caps it uses), with a `struct sct_control sct_ctl` in scope, having
 * defined:
 *
 *   sct_read_user(dst, n, uaddr)         0 or < 0: n bytes of user memory at address uaddr (u64)
 *   sct_read_user_str(dst, n, uaddr)     a NUL-terminated user string, at most n bytes with its
 *                                        NUL: the length with the NUL, n when cut, < 0 on a fault
 *                                        (bpf_probe_read_user_str's contract)
 *   sct_read_kernel_str(dst, n, ptr)     the same for a kernel string
 *   sct_copy_kernel(dst, n, src)         0 or < 0: n bytes of kernel memory
 *   SCT_UNROLL                           before a loop of a constant count: unroll it (BPF)
 *   SCT_LOOP(n, fn, ctx)                 calls `long fn(__u64 i, void *ctx)` for i = 0..n-1 until
 *                                        it returns non-zero (bpf_loop)
 *   sct_clamp_max(var, max)              var = min(var, max), in a form the BPF verifier tracks
 *   sct_barrier_var(var)                 keeps the compiler from merging a bound check away
 *   sct_forget(word, v)                  v, passed through the u32 at word (scratch memory) so the
 *                                        BPF verifier forgets what it knew (see below); v elsewhere
 *   sct_syscall_reads_of(nr)             const struct sct_syscall_reads *: the extra reads of
 *                                        syscall nr (nr < SCT_NR_MAX), or NULL
 *   sct_now()                            __u64: CLOCK_MONOTONIC nanoseconds
 *   sct_header_task(h)                   fills the current task's fields of a struct sct_header
 *                                        (pid, tid, ppid, uid, gid, cgroup_id, comm)
 *   sct_fd_netlink_protocol(fd)          int: the protocol (sk_protocol, NETLINK_*) of fd (u64) of
 *                                        the current task when it is an AF_NETLINK socket, else -1
 *   sct_user_sp(), SCT_SIGFRAME_MASK_OFF see sctrace_signal.h
 *
 * The caps come from the control block: the largest of the running traces; user space cuts per
 * trace. Every write below stays inside a buffer of SCT_SCRATCH_BYTES for a record, or inside a
 * struct sct_enter_strs for parked blobs; the bound checks are spelled for the BPF verifier,
 * which checks them, and cost the module nothing.
 */
#ifndef SCTRACE_BLOBS_H
#define SCTRACE_BLOBS_H

/* The fields of a record's header that are not about its task. */
static SCT_INLINE void sct_header_fields(struct sct_header *h, __u16 kind, __u32 size, __u32 flags, __u64 now,
					 __u64 traces)
{
	h->kind = kind;
	h->version = SCT_ABI_VERSION;
	h->size = size;
	h->ts_ns = now;
	h->flags = flags;
	h->traces = traces;
}

/* The header every record starts with, for the current task and the traces it is for. */
static SCT_INLINE void sct_fill_header(struct sct_header *h, __u16 kind, __u32 size, __u32 flags, __u64 now,
				       __u64 traces)
{
	sct_header_fields(h, kind, size, flags, now, traces);
	sct_header_task(h);
}

/*
 * The header of a record about task t, which need not be the current task (a context switch's
 * incoming task, a signal's receiver); each side's sct_header_task_of fills t's fields.
 */
static SCT_INLINE void sct_fill_header_of(struct sct_header *h, __u16 kind, __u32 size, __u32 flags, __u64 now,
					  __u64 traces, struct task_struct *t)
{
	sct_header_fields(h, kind, size, flags, now, traces);
	sct_header_task_of(h, t);
}

/* Clears the bytes between the end of the text and the next multiple of 8 (they hold leftovers). */
static SCT_INLINE void sct_zero_pad(__u8 *text, __u32 len)
{
	if (len & 7) {
		__u64 *word = (__u64 *)(text + (len & ~7u));

		*word &= (1ull << ((len & 7) * 8)) - 1;
	}
}

/* Writes the blob header at off, clears the padding after the text, returns the offset after it. */
static SCT_INLINE __u32 sct_finish_blob(__u8 *buf, __u32 off, __u8 arg, __u8 flags, __u32 len)
{
	struct sct_blob *h = (struct sct_blob *)(buf + off);

	h->arg = arg;
	h->flags = flags;
	h->len = len;
	h->aux = 0;
	sct_zero_pad((__u8 *)(h + 1), len);
	return off + sizeof(*h) + ((len + 7) & ~7u);
}

/*
 * Appends a string blob for the user path at ptr, read as strace reads one: PATH_MAX
 * (SCT_STR_MAX) bytes at most, never past them (a path that fills PATH_MAX without a NUL may
 * end at an unmapped page), so such a path is its first PATH_MAX - 1 bytes, truncated, rather
 * than unreadable. Returns the offset after the blob (sct_put_str's caller checked the room).
 */
static SCT_INLINE __u32 sct_put_path(__u8 *buf, __u32 off, __u8 arg, __u64 ptr)
{
	__u8 *text = buf + off + sizeof(struct sct_blob);
	__u8 flags = 0;
	__u32 len = 0;
	char last;
	long n;

	n = sct_read_user_str(text, SCT_STR_MAX, ptr);
	if (n <= 0) {
		flags = SCT_BLOB_UNREADABLE;
	} else if (n == SCT_STR_MAX) {
		/* PATH_MAX - 1 bytes and no NUL yet: a path of exactly that length if the next is NUL. */
		len = SCT_STR_MAX - 1;
		if (sct_read_user(&last, 1, ptr + SCT_STR_MAX - 1) || last)
			flags = SCT_BLOB_TRUNCATED;
	} else {
		len = n - 1;
	}
	/* Restated for the verifier: Linux 6.1 loses off's bound when clang spills it across the reads. */
	sct_clamp_max(off, SCT_BLOB_OFF_MAX);
	return sct_finish_blob(buf, off, arg, flags, len);
}

/*
 * Appends a string blob for the NUL-terminated string at ptr (user memory, or kernel memory when
 * kernel is set), cut at cap (1..SCT_STR_MAX), and returns the offset after it; returns off
 * unchanged if there is no room, which the sizes in this file rule out.
 */
static SCT_INLINE __u32 sct_put_str(__u8 *buf, __u32 off, __u8 arg, __u64 ptr, bool kernel, __u32 cap)
{
	__u8 *text;
	__u8 flags = 0;
	__u32 len = 0;
	long n;

	if (off > SCT_BLOB_OFF_MAX)
		return off;
	text = buf + off + sizeof(struct sct_blob);
	if (!ptr) {
		flags = SCT_BLOB_UNREADABLE;
	} else {
		/* Restated for the verifier: Linux 6.1 loses the caller's bound on a copy of cap. */
		sct_clamp_max(cap, SCT_STR_MAX);
		if (cap == SCT_STR_MAX && !kernel)
			return sct_put_path(buf, off, arg, ptr);
		/*
		 * A user string is read as strace reads one (printstr: string_max + 1 bytes, so a
		 * string cut at the end of a mapped page is shown cut, not unreadable): the read
		 * touches exactly cap + 1 bytes, and when it found no NUL in the first cap, the byte
		 * after them (which the read overwrote with its NUL) tells a cut string from one of
		 * exactly cap bytes. A kernel string reads one byte further instead.
		 */
		if (kernel)
			n = sct_read_kernel_str(text, cap + 2, ptr);
		else
			n = sct_read_user_str(text, cap + 2, ptr);
		if (n <= 0) {
			flags = SCT_BLOB_UNREADABLE;
		} else if ((__u64)n - 1 > cap) {
			len = cap;
			flags = SCT_BLOB_TRUNCATED;
		} else {
			len = n - 1;
		}
	}
	return sct_finish_blob(buf, off, arg, flags, len);
}

/*
 * Appends one blob per set bit of mask, at most max of them; returns the new end, counts in *nblob.
 * Paths (path_mask) are read whole, up to PATH_MAX, as strace never cuts a path; the other
 * strings at string_max.
 */
static SCT_INLINE __u32 sct_put_user_strs(__u8 *buf, __u32 off, __u8 mask, __u8 path_mask,
					  const __u64 *args, __u16 *nblob, __u16 max)
{
	__u32 cap = sct_string_cap(&sct_ctl);

	SCT_UNROLL
	for (int i = 0; i < SCT_MAX_ARGS; i++) {
		__u32 next;

		if (!(mask & (1 << i)) || *nblob >= max)
			continue;
		next = sct_put_str(buf, off, i, args[i], false, (path_mask & (1 << i)) ? SCT_STR_MAX : cap);
		if (next == off)
			break;
		off = next;
		*nblob += 1;
	}
	return off;
}

/*
 * fl->args[i] for an i the caller checked against SCT_MAX_ARGS, bounded again at the access:
 * clang may spill the index to the stack before the check and reload it after, and older
 * verifiers (Linux 6.1) lose the bound across the spill and reject the load.
 */
static SCT_INLINE __u64 sct_arg_value(const struct sct_inflight *fl, __u32 i)
{
	sct_clamp_max(i, SCT_MAX_ARGS - 1);
	return fl->args[i];
}

/*
 * The bytes of `count` elements of `elem` bytes each (elem 0: count is bytes). A count beyond any
 * cap stays as it is (it is cut at the cap and flagged truncated), so the product cannot wrap.
 */
static SCT_INLINE __u64 sct_elems(__u64 count, __u8 elem)
{
	return elem && count <= SCT_STR_MAX ? count * elem : count;
}

/*
 * How many bytes read r of the call in fl (which returned ret) takes, before the caps: the length
 * choice of enum sct_read_len. Returns false when the read does not apply.
 */
static SCT_INLINE bool sct_read_len(const struct sct_read *r, const struct sct_inflight *fl, __s64 ret,
				    __u64 *want)
{
	__u8 len_arg = r->len_arg;
	__u32 v;

	switch (r->len_from) {
	case SCT_LEN_FIXED:
		*want = r->max;
		return true;
	case SCT_LEN_ARG:
		*want = sct_elems(sct_arg_value(fl, len_arg), r->elem);
		return true;
	case SCT_LEN_ARG32:
		*want = sct_elems((__u32)sct_arg_value(fl, len_arg), r->elem);
		return true;
	case SCT_LEN_ARG_PTR:
		if (!sct_arg_value(fl, len_arg) || sct_read_user(&v, sizeof(v), sct_arg_value(fl, len_arg)))
			return false;
		*want = v;
		return true;
	case SCT_LEN_RET:
		*want = sct_elems(ret > 0 ? ret : 0, r->elem);
		return true;
	case SCT_LEN_NODEMASK:
		/* maxnode - 1 bits in whole longs; a maxnode the sum would wrap reads nothing useful. */
		*want = sct_arg_value(fl, len_arg);
		*want = *want > SCT_STR_MAX * 8 ? *want : (*want + 62) / 64 * 8;
		return true;
	case SCT_LEN_ARG_HDR:
		*want = sct_arg_value(fl, len_arg);
		*want = *want > SCT_STR_MAX ? *want : *want + r->elem;
		return true;
	default:
		return false;
	}
}

/*
 * Appends an SCT_BLOB_BYTES blob for read r (already known to be an SCT_READ_BYTES) of the call
 * in fl, which returned ret; returns the new end, or off when the read does not apply.
 */
static SCT_INLINE __u32 sct_put_bytes(__u8 *buf, __u32 off, const struct sct_read *r,
				      const struct sct_inflight *fl, __s64 ret, __u16 *nblob)
{
	__u8 arg = r->arg, len_arg = r->len_arg, flags = 0;
	__u64 want = 0, cap = r->max, ptr;
	__u32 len, next;
	int protocol = -1;

	if (arg >= SCT_MAX_ARGS || len_arg >= SCT_MAX_ARGS || off > SCT_BLOB_OFF_MAX)
		return off;
	ptr = sct_arg_value(fl, arg);
	if (!ptr || ((r->flags & SCT_RD_SUCCESS) && ret < 0))
		return off;
	if (r->flags & SCT_RD_BUFFER) {
		__u32 bcap = sct_buffer_cap(&sct_ctl, fl->traces);

		if (bcap == 0)
			return off;
		/*
		 * A netlink message is decoded whole, by its socket's protocol, which is recorded here
		 * (sct_fd_netlink_protocol: each backend's): by decode time a short-lived process and
		 * its fds may be gone, and a trace that selects no socket() call never saw it.
		 */
		if (r->flags & SCT_RD_NETLINK)
			protocol = sct_fd_netlink_protocol(sct_arg_value(fl, 0));
		if (protocol >= 0) {
			bcap = cap;
			flags = SCT_BLOB_WHOLE;
		}
		if (cap > bcap)
			cap = bcap;
	}
	if (!sct_read_len(r, fl, ret, &want))
		return off;
	if (want > cap) {
		want = cap;
		flags |= SCT_BLOB_TRUNCATED;
	}
	len = want;
	/* max is at most SCT_STR_MAX by contract; the verifier must see it (see sct_clamp_max). */
	sct_clamp_max(len, SCT_STR_MAX);
	/* Restated for the verifier (checked above): Linux 6.1 loses off's bound when clang spills it across the length's reads. */
	sct_clamp_max(off, SCT_BLOB_OFF_MAX);
	if (len && sct_read_user(buf + off + sizeof(struct sct_blob), len, ptr)) {
		__u32 head = (flags & SCT_BLOB_WHOLE) || (r->flags & SCT_RD_HEAD) ? 4096 - (ptr & 4095) : 0;

		/*
		 * A netlink message whose end lies in an unmapped page: strace prints what it could
		 * read, so keep the bytes up to that page (a WHOLE blob shorter than the call's length,
		 * not TRUNCATED, says the rest was unreadable); so for SCT_RD_HEAD.
		 */
		sct_clamp_max(head, SCT_STR_MAX);
		if (head && head < len && !sct_read_user(buf + off + sizeof(struct sct_blob), head, ptr)) {
			len = head;
		} else {
			len = 0;
			flags = SCT_BLOB_UNREADABLE;
		}
	}
	*nblob += 1;
	next = sct_finish_blob(buf, off, arg, flags | (SCT_BLOB_BYTES << SCT_BLOB_KIND_SHIFT), len);
	if (flags & SCT_BLOB_WHOLE)
		((struct sct_blob *)(buf + off))->aux = protocol;
	return next;
}

/* Appends the SCT_BLOB_INOUT blob of read r: fl's entry value, then the value now. */
static SCT_INLINE __u32 sct_put_inout(__u8 *buf, __u32 off, const struct sct_read *r,
				      const struct sct_inflight *fl, __u16 *nblob)
{
	__u8 arg = r->arg, flags = SCT_BLOB_INOUT << SCT_BLOB_KIND_SHIFT;
	__u32 *vals;

	if (arg >= SCT_MAX_ARGS || off > SCT_BLOB_OFF_MAX || !sct_arg_value(fl, arg))
		return off;
	vals = (__u32 *)(buf + off + sizeof(struct sct_blob));
	vals[0] = fl->inout;
	*nblob += 1;
	if (!fl->inout_ok || sct_read_user(&vals[1], sizeof(vals[1]), sct_arg_value(fl, arg)))
		return sct_finish_blob(buf, off, arg, flags | SCT_BLOB_UNREADABLE, 0);
	return sct_finish_blob(buf, off, arg, flags, 2 * sizeof(__u32));
}

#include "sctrace_iov.h"
#include "sctrace_reads.h"
#include "sctrace_aio.h"
#include "sctrace_signal.h"

/*
 * State of one walk over a call's extra reads (SCT_LOOP callbacks sct_exit_read and
 * sct_entry_read). On eBPF each read is a bpf_loop callback run, so the verifier checks one read
 * once rather than every combination of the outcomes of all of them.
 *
 * The walks pass the offset through sct_forget before a point many paths reach (one per
 * combination of string lengths, or one per read): the verifier then sees those paths arrive in
 * the same state and checks what follows once instead of once per path, which otherwise took
 * seconds at load. The code after checks the offset's bound itself.
 */
struct sct_reads_walk {
	const struct sct_syscall_reads *rd;
	const struct sct_inflight *fl;
	__u8 *buf;  /* the record (exit) or the parked struct (entry) */
	__s64 ret;
	__u32 off;
	__u16 nblob;
};

/* SCT_LOOP callback: performs exit-time read i (those without SCT_RD_ENTRY). */
static long sct_exit_read(__u64 i, void *data)
{
	struct sct_reads_walk *w = data;
	const struct sct_read *r;

	if (i >= SCT_READS_MAX)
		return 1;
	r = &w->rd->read[i];
	if (r->kind == SCT_READ_NONE)
		return 1;
	if (r->flags & SCT_RD_ENTRY)
		return 0;
	if (r->kind == SCT_READ_BYTES)
		w->off = sct_put_bytes(w->buf, w->off, r, w->fl, w->ret, &w->nblob);
	else if (r->kind == SCT_READ_INOUT)
		w->off = sct_put_inout(w->buf, w->off, r, w->fl, &w->nblob);
	else if (r->kind == SCT_READ_IOVEC)
		w->off = sct_put_iovec_read(w->buf, w->off, r, w->fl, w->ret, &w->nblob);
	else if (r->kind == SCT_READ_MSGHDR)
		w->off = sct_put_msghdr_read(w->buf, w->off, r, w->fl, w->ret, &w->nblob);
	else if (r->kind == SCT_READ_IOCTL)
		w->off = sct_put_ioctl(w->buf, w->off, r, w->fl, w->ret, false, &w->nblob);
	else if (r->kind == SCT_READ_FDSETS)
		w->off = sct_put_fdsets(w->buf, w->off, r, w->fl, w->ret, false, &((struct sct_header *)w->buf)->size,
					&w->nblob);
	else if (r->kind == SCT_READ_CLONE3)
		w->off = sct_put_clone3(w->buf, w->off, r, w->fl, w->ret, &w->nblob);
	else if (r->kind == SCT_READ_DIRENTS)
		w->off = sct_put_dirents(w->buf, w->off, r, w->fl, w->ret, &w->nblob);
	else if (r->kind == SCT_READ_INNER)
		w->off = sct_put_inner(w->buf, w->off, r, w->fl, w->ret, &w->nblob);
	else if (r->kind == SCT_READ_SIGMASK)
		w->off = sct_put_sigmask(w->buf, w->off, r, w->fl, &w->nblob);
	else if (r->kind == SCT_READ_URING_RSRC)
		w->off = sct_put_uring_rsrc(w->buf, w->off, r, w->fl, &w->nblob);
	else if (r->kind == SCT_READ_AIO)
		w->off = sct_put_aio(w->buf, w->off, r, w->fl, &w->nblob);
	w->off = sct_forget(&((struct sct_header *)w->buf)->size, w->off);
	return 0;
}

/*
 * Appends the exit-time extra reads of the call in fl. A call that never returned (no_return)
 * gets none: its outputs were never written.
 */
static SCT_INLINE __u32 sct_put_exit_reads(__u8 *buf, __u32 off, const struct sct_inflight *fl,
					   __s64 ret, bool no_return, __u16 *nblob)
{
	struct sct_reads_walk w = { .fl = fl, .buf = buf, .ret = ret, .nblob = *nblob };
	__u32 nr = fl->nr;

	if (!fl->reads || no_return)
		return off;
	/* The record's size field is free until sct_fill_header sets it. */
	w.off = sct_forget(&((struct sct_header *)buf)->size, off);
	w.rd = sct_syscall_reads_of(nr);
	if (!w.rd)
		return off;
	SCT_LOOP(SCT_READS_MAX, sct_exit_read, &w);
	*nblob = w.nblob;
	return w.off;
}

/* State of one string array walk (SCT_LOOP callbacks sct_count_elem and sct_strv_elem). */
struct sct_strv_walk {
	__u64 uarr;   /* the user array's address */
	__u8 *text;   /* STRV: where the blob's bytes go */
	__u32 pos;    /* STRV: bytes written; COUNT: elements counted */
	__u32 cap;    /* STRV: string_max */
	__u8 flags;   /* enum sct_blob_flags of the whole blob */
};

/* SCT_LOOP callback: counts element i of the array; stops at its NULL. */
static long sct_count_elem(__u64 i, void *data)
{
	struct sct_strv_walk *w = data;
	__u64 p;

	if (sct_read_user(&p, sizeof(p), w->uarr + i * sizeof(__u64))) {
		w->flags = SCT_BLOB_UNREADABLE;
		return 1;
	}
	if (!p) {
		w->flags = 0;
		return 1;
	}
	w->pos++;
	return 0;
}

/*
 * Appends an SCT_BLOB_COUNT blob: the element count of the NULL-terminated pointer array at
 * uarr (user memory), up to SCT_COUNT_MAX. base is the parked struct; returns the new end.
 */
static SCT_INLINE __u32 sct_put_count(__u8 *base, __u32 off, __u8 arg, __u64 uarr, __u16 *nblob)
{
	struct sct_strv_walk w = { .uarr = uarr, .flags = SCT_BLOB_TRUNCATED };

	sct_barrier_var(off);
	if (off > SCT_PARKED_END - sizeof(struct sct_blob) - 8)
		return off;
	SCT_LOOP(SCT_COUNT_MAX, sct_count_elem, &w);
	*(__u32 *)(base + off + sizeof(struct sct_blob)) = w.pos;
	*nblob += 1;
	return sct_finish_blob(base, off, arg, w.flags | (SCT_BLOB_COUNT << SCT_BLOB_KIND_SHIFT), sizeof(w.pos));
}

/*
 * SCT_LOOP callback: appends element i (one flags byte, the text cut at string_max and at the
 * blob's remaining room, a NUL); stops at the array's NULL or when the room is used up.
 */
static long sct_strv_elem(__u64 i, void *data)
{
	struct sct_strv_walk *w = data;
	__u32 pos = w->pos, el_cap = w->cap, room, tl;
	__u8 *el;
	__u64 p;
	long n;

	if (sct_read_user(&p, sizeof(p), w->uarr + i * sizeof(__u64))) {
		w->flags = i == 0 ? SCT_BLOB_UNREADABLE : SCT_BLOB_TRUNCATED;
		return 1;
	}
	if (!p) {
		w->flags = 0;
		return 1;
	}
	if (pos >= SCT_STRV_BYTES - 2)
		return 1;
	room = SCT_STRV_BYTES - 2 - pos;
	if (el_cap > room)
		el_cap = room;
	/*
	 * Bounds for the verifier: pos < SCT_STRV_BYTES and el_cap < SCT_STRV_BYTES (it is at most
	 * room, so the masks change nothing). The barriers keep clang from dropping masks it can
	 * prove redundant but the verifier cannot.
	 */
	sct_barrier_var(pos);
	el = w->text + (pos & (SCT_STRV_BYTES - 1));
	sct_barrier_var(el_cap);
	el_cap &= SCT_STRV_BYTES - 1;
	n = sct_read_user_str(el + 1, el_cap + 1, p);
	el[0] = 0;
	if (n <= 0) {
		el[0] = SCT_BLOB_UNREADABLE;
		tl = 0;
	} else {
		tl = n - 1;
		/* A read that filled el_cap bytes may have cut the string; look one further. */
		if (tl == el_cap) {
			char next;

			if (!sct_read_user(&next, 1, p + tl) && next)
				el[0] = SCT_BLOB_TRUNCATED;
		}
	}
	tl &= SCT_STRV_BYTES - 1;
	el[1 + tl] = 0;
	w->pos = pos + 2 + tl;
	return 0;
}

/*
 * Appends an SCT_BLOB_STRV blob for the NULL-terminated string pointer array at uarr (user
 * memory): up to SCT_STRV_MAX elements and SCT_STRV_BYTES of text, each element cut at
 * string_max. base is the parked struct; returns the new end.
 */
static SCT_INLINE __u32 sct_put_strv(__u8 *base, __u32 off, __u8 arg, __u64 uarr, __u16 *nblob)
{
	struct sct_strv_walk w = { .uarr = uarr, .cap = sct_string_cap(&sct_ctl), .flags = SCT_BLOB_TRUNCATED };

	/* The barrier keeps this bound check from being merged away; the verifier needs it. */
	sct_barrier_var(off);
	if (off > SCT_PARKED_END - sizeof(struct sct_blob) - SCT_STRV_BYTES - SCT_STRV_ROOM)
		return off;
	w.text = base + off + sizeof(struct sct_blob);
	SCT_LOOP(SCT_STRV_MAX, sct_strv_elem, &w);
	if (w.pos > SCT_STRV_BYTES)
		w.pos = SCT_STRV_BYTES;
	*nblob += 1;
	return sct_finish_blob(base, off, arg, w.flags | (SCT_BLOB_STRV << SCT_BLOB_KIND_SHIFT), w.pos);
}

/*
 * SCT_LOOP callback: performs entry-time read i into the parked blobs: execve's arrays
 * (SCT_RD_ENTRY), and the entry values of BYTES reads made at entry (SCT_RD_ENTRY) or at entry and
 * exit (SCT_RD_BOTH), of fd sets, of an ioctl argument read and written.
 */
static long sct_entry_read(__u64 i, void *data)
{
	struct sct_reads_walk *w = data;
	__u32 *word = &((struct sct_enter_strs *)w->buf)->bytes;
	const struct sct_read *r;
	__u64 uarr;
	__u8 arg;

	if (i >= SCT_READS_MAX)
		return 1;
	r = &w->rd->read[i];
	arg = r->arg;
	if (r->kind == SCT_READ_NONE)
		return 1;
	if (arg >= SCT_MAX_ARGS)
		return 0;
	if (r->kind == SCT_READ_IOCTL) {
		w->off = sct_put_ioctl(w->buf, w->off, r, w->fl, 0, true, &w->nblob);
	} else if (r->kind == SCT_READ_FDSETS) {
		w->off = sct_put_fdsets(w->buf, w->off, r, w->fl, 0, true, word, &w->nblob);
	} else if (r->kind == SCT_READ_BYTES && (r->flags & (SCT_RD_BOTH | SCT_RD_ENTRY))) {
		w->off = sct_put_both_entry(w->buf, w->off, r, w->fl, &w->nblob);
	} else if (r->kind == SCT_READ_STRV && (r->flags & SCT_RD_ENTRY)) {
		uarr = sct_arg_value(w->fl, arg);
		if (!uarr)
			return 0;
		if ((r->flags & SCT_RD_ENV) && !(w->fl->traces & sct_ctl.exec_env))
			w->off = sct_put_count(w->buf, w->off, arg, uarr, &w->nblob);
		else
			w->off = sct_put_strv(w->buf, w->off, arg, uarr, &w->nblob);
	}
	w->off = sct_forget(word, w->off);
	return 0;
}

/* Appends the entry-time extra reads (execve's arrays) of the call in fl to the parked blobs. */
static SCT_INLINE __u32 sct_put_entry_reads(__u8 *base, __u32 off, const struct sct_inflight *fl,
					    __u16 *nblob)
{
	struct sct_reads_walk w = { .fl = fl, .buf = base, .nblob = *nblob };
	__u32 nr = fl->nr;

	w.rd = sct_syscall_reads_of(nr);
	if (!w.rd)
		return off;
	/* The parked struct's byte count is free until sct_park_blobs sets it. */
	w.off = sct_forget(&((struct sct_enter_strs *)base)->bytes, off);
	SCT_LOOP(SCT_READS_MAX, sct_entry_read, &w);
	*nblob = w.nblob;
	return w.off;
}

/*
 * Reads what the call in fl reads at entry into `parked`: an execve-like call's string arguments
 * and arrays (SCT_ENTER_STRINGS), before the address space can go away, and the entry values
 * of its other reads (SCT_ENTER_READS). The caller stores it (eBPF: by tid; the module: in its
 * pool).
 */
static SCT_INLINE void sct_park_blobs(const struct sct_inflight *fl, struct sct_enter_strs *parked)
{
	__u32 end = offsetof(struct sct_enter_strs, blobs);
	__u16 nblob = 0;

	if (fl->enter_str & SCT_ENTER_STRINGS)
		end = sct_put_user_strs((__u8 *)parked, end, fl->str_mask, fl->path_mask, fl->args, &nblob,
					SCT_ENTER_STRS);
	if (fl->reads)
		end = sct_put_entry_reads((__u8 *)parked, end, fl, &nblob);
	parked->bytes = end - offsetof(struct sct_enter_strs, blobs);
	parked->nblob = nblob;
	parked->pad = 0;
}

/* Whether the call in fl parks its strings and entry-time reads at entry. */
static SCT_INLINE bool sct_parks(const struct sct_inflight *fl)
{
	return fl->enter_str && (fl->str_mask || fl->reads);
}

/*
 * Whether the strings and arrays of the call in fl, which returned ret, are read again at its
 * exit: an execve-like call that failed (see SCT_ENTER_STRINGS).
 */
static SCT_INLINE bool sct_repark(const struct sct_inflight *fl, __s64 ret)
{
	return ret < 0 && (fl->enter_str & SCT_ENTER_STRINGS);
}

/*
 * The blobs of the syscall record in buf (after its fixed part): the parked ones when there are
 * (strings of an execve-like call, entry values: the calls that park those have no string
 * arguments), otherwise the string arguments read now; then the exit-time reads.
 * Returns the record's size, their count in *nblob.
 */
static SCT_INLINE __u32 sct_syscall_blobs(__u8 *buf, const struct sct_inflight *fl, __s64 ret, bool no_return,
					  const struct sct_enter_strs *parked, __u16 *nblob)
{
	__u32 off = sizeof(struct sct_syscall);

	*nblob = 0;
	if (parked) {
		__u32 bytes = parked->bytes;

		if (bytes > SCT_ENTER_STR_BYTES)
			bytes = SCT_ENTER_STR_BYTES;
		if (!sct_copy_kernel(buf + off, bytes, parked->blobs)) {
			off += bytes;
			*nblob = parked->nblob;
		}
	} else if (fl->str_mask) {
		off = sct_put_user_strs(buf, off, fl->str_mask, fl->path_mask, fl->args, nblob, SCT_MAX_ARGS);
	}
	return sct_put_exit_reads(buf, off, fl, ret, no_return, nblob);
}

/* The fixed part of a syscall record of `size` bytes (header included) for the call in fl. */
static SCT_INLINE void sct_fill_syscall(struct sct_syscall *rec, const struct sct_inflight *fl, __s64 ret,
					__u16 nblob, __u32 size, __u32 flags, __u64 traces)
{
	SCT_UNROLL
	for (int i = 0; i < SCT_MAX_ARGS; i++)
		rec->args[i] = fl->args[i];
	rec->ret = ret;
	rec->enter_ns = fl->enter_ns;
	rec->nr = fl->nr;
	rec->nblob = nblob;
	rec->pad = 0;
	sct_fill_header(&rec->hdr, SCT_KIND_SYSCALL, size, flags, sct_now(), traces);
}

/*
 * Appends the new image's argument area (argv strings, each NUL-terminated, as laid out by the
 * kernel from mm->arg_start to arg_end). Capped at SCT_ARGV_BYTES, one page: the contract's u16
 * length and a bounded copy per exec; string_max stays a per-string limit that user space
 * applies per element.
 */
static SCT_INLINE __u32 sct_put_argv(__u8 *buf, __u32 off, __u64 start, __u64 end, __u32 *hflags)
{
	__u64 area = end > start ? end - start : 0;
	__u8 flags = 0;
	__u32 len;

	if (off > SCT_BLOB_OFF_MAX)
		return off;
	if (area > SCT_ARGV_BYTES) {
		area = SCT_ARGV_BYTES;
		flags = SCT_BLOB_TRUNCATED;
		*hflags |= SCT_F_ARGV_TRUNCATED;
	}
	len = area;
	/* Restated for the verifier, which otherwise loses the bound on a copy clang makes first. */
	sct_clamp_max(len, SCT_ARGV_BYTES);
	if (sct_read_user(buf + off + sizeof(struct sct_blob), len, start)) {
		len = 0;
		flags = SCT_BLOB_UNREADABLE;
	}
	return sct_finish_blob(buf, off, 1, flags, len);
}

/*
 * The blobs of an exec record in buf (after struct sct_exec): the resolved filename (a path:
 * whole, whatever string_max says) and the argument area. Returns the record's size, the
 * blob count in *nblob, header flags in *hflags.
 */
static SCT_INLINE __u32 sct_exec_blobs(__u8 *buf, __u64 filename, __u64 arg_start, __u64 arg_end, __u16 *nblob,
				       __u32 *hflags)
{
	__u32 off = sizeof(struct sct_exec), next;

	*nblob = 0;
	next = sct_put_str(buf, off, 0, filename, true, SCT_STR_MAX);
	*nblob += next != off;
	off = next;
	next = sct_put_argv(buf, off, arg_start, arg_end, hflags);
	*nblob += next != off;
	return next;
}

#endif /* SCTRACE_BLOBS_H */
