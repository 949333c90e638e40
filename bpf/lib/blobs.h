/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Blobs: what a record carries behind its fixed part (see ../shared/sctrace_event.h), read from
 * user memory by the rules of the per-syscall tables (strings, bytes behind pointers, in-out
 * values, string arrays and their counts). The caps come from the control block: the largest of
 * the running traces; user space cuts per trace.
 */
#ifndef SCT_LIB_BLOBS_H
#define SCT_LIB_BLOBS_H

/* Clears the bytes between the end of the text and the next multiple of 8 (they hold leftovers). */
static __always_inline void zero_pad(__u8 *text, __u32 len)
{
	if (len & 7) {
		__u64 *word = (__u64 *)(text + (len & ~7u));

		*word &= (1ull << ((len & 7) * 8)) - 1;
	}
}

static __always_inline __u32 finish_blob(__u8 *buf, __u32 off, __u8 arg, __u8 flags, __u32 len)
{
	struct sct_str *h = (struct sct_str *)(buf + off);

	h->arg = arg;
	h->flags = flags;
	h->len = len;
	h->pad = 0;
	zero_pad((__u8 *)(h + 1), len);
	return off + sizeof(*h) + ((len + 7) & ~7u);
}

/*
 * Appends a string blob for the NUL-terminated string at ptr (user memory, or kernel memory when
 * kernel is set), cut at cap (1..SCT_STR_MAX), and returns the offset after it; returns off
 * unchanged if there is no room, which the sizes in this file rule out.
 */
static __always_inline __u32 put_str(__u8 *buf, __u32 off, __u8 arg, const void *ptr, bool kernel,
				     __u32 cap)
{
	__u8 *text;
	__u8 flags = 0;
	__u32 len = 0;
	long n;

	if (off > SCT_BLOB_OFF_MAX)
		return off;
	text = buf + off + sizeof(struct sct_str);
	if (!ptr) {
		flags = SCT_STR_UNREADABLE;
	} else {
		/* One byte past the cap tells a cut string from one of exactly cap bytes. */
		if (kernel)
			n = bpf_probe_read_kernel_str(text, cap + 2, ptr);
		else
			n = bpf_probe_read_user_str(text, cap + 2, ptr);
		if (n <= 0) {
			flags = SCT_STR_UNREADABLE;
		} else if ((__u64)n - 1 > cap) {
			len = cap;
			flags = SCT_STR_TRUNCATED;
		} else {
			len = n - 1;
		}
	}
	return finish_blob(buf, off, arg, flags, len);
}

/*
 * Appends one blob per set bit of mask, at most max of them; returns the new end, counts in *nstr.
 * Paths (path_mask) are read whole, up to PATH_MAX, as strace never cuts a path; the other
 * strings at string_max.
 */
static __always_inline __u32 put_user_strs(__u8 *buf, __u32 off, __u8 mask, __u8 path_mask,
					   const __u64 *args, __u16 *nstr, __u16 max)
{
	__u32 cap = sct_string_cap(&sct_ctl);

#pragma unroll
	for (int i = 0; i < SCT_MAX_ARGS; i++) {
		__u32 next;

		if (!(mask & (1 << i)) || *nstr >= max)
			continue;
		next = put_str(buf, off, i, (const void *)args[i], false,
			       (path_mask & (1 << i)) ? SCT_STR_MAX : cap);
		if (next == off)
			break;
		off = next;
		*nstr += 1;
	}
	return off;
}

/*
 * var = min(var, max) in a form the verifier tracks: clang otherwise drops a clamp it can prove
 * redundant from the contract (sct_read.max <= SCT_STR_MAX), or turns it into a select whose
 * bound the verifier does not see.
 */
#define clamp_max(var, max) asm volatile("if %0 <= %1 goto +1; %0 = %1" : "+r"(var) : "i"(max))

/*
 * fl->args[i] for an i the caller checked against SCT_MAX_ARGS, bounded again at the access:
 * clang may spill the index to the stack before the check and reload it after, and older
 * verifiers (Linux 6.1) lose the bound across the spill and reject the load.
 */
static __always_inline __u64 arg_value(const struct sct_inflight *fl, __u32 i)
{
	clamp_max(i, SCT_MAX_ARGS - 1);
	return fl->args[i];
}

/*
 * Appends an SCT_BLOB_BYTES blob for read r (already known to be an SCT_READ_BYTES) of the call
 * in fl, which returned ret; returns the new end, or off when the read does not apply.
 */
static __always_inline __u32 put_bytes(__u8 *buf, __u32 off, const struct sct_read *r,
				       const struct sct_inflight *fl, __s64 ret, __u16 *nstr)
{
	__u8 arg = r->arg, len_arg = r->len_arg, flags = 0;
	__u64 want = 0, cap = r->max;
	const void *ptr;
	__u32 len, v;

	if (arg >= SCT_MAX_ARGS || len_arg >= SCT_MAX_ARGS || off > SCT_BLOB_OFF_MAX)
		return off;
	ptr = (const void *)arg_value(fl, arg);
	if (!ptr || ((r->flags & SCT_RD_SUCCESS) && ret < 0))
		return off;
	if (r->flags & SCT_RD_BUFFER) {
		__u32 bcap = sct_buffer_cap(&sct_ctl, fl->traces);

		if (bcap == 0)
			return off;
		if (cap > bcap)
			cap = bcap;
	}
	switch (r->len_from) {
	case SCT_LEN_FIXED:
		want = r->max;
		break;
	case SCT_LEN_ARG:
		want = arg_value(fl, len_arg);
		break;
	case SCT_LEN_ARG_PTR:
		if (!arg_value(fl, len_arg) ||
		    bpf_probe_read_user(&v, sizeof(v), (const void *)arg_value(fl, len_arg)))
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
	len = want;
	/* max is at most SCT_STR_MAX by contract; the verifier must see it (see clamp_max). */
	clamp_max(len, SCT_STR_MAX);
	if (len && bpf_probe_read_user(buf + off + sizeof(struct sct_str), len, ptr)) {
		len = 0;
		flags = SCT_STR_UNREADABLE;
	}
	*nstr += 1;
	return finish_blob(buf, off, arg, flags | (SCT_BLOB_BYTES << SCT_BLOB_KIND_SHIFT), len);
}

/* Appends the SCT_BLOB_INOUT blob of read r: fl's entry value, then the value now. */
static __always_inline __u32 put_inout(__u8 *buf, __u32 off, const struct sct_read *r,
				       const struct sct_inflight *fl, __u16 *nstr)
{
	__u8 arg = r->arg, flags = SCT_BLOB_INOUT << SCT_BLOB_KIND_SHIFT;
	__u32 *vals;

	if (arg >= SCT_MAX_ARGS || off > SCT_BLOB_OFF_MAX || !arg_value(fl, arg))
		return off;
	vals = (__u32 *)(buf + off + sizeof(struct sct_str));
	vals[0] = fl->inout;
	*nstr += 1;
	if (!fl->inout_ok || bpf_probe_read_user(&vals[1], sizeof(vals[1]), (const void *)arg_value(fl, arg)))
		return finish_blob(buf, off, arg, flags | SCT_STR_UNREADABLE, 0);
	return finish_blob(buf, off, arg, flags, 2 * sizeof(__u32));
}

/*
 * Returns v by way of the u32 at word (scratch memory whose content does not matter then), which
 * the verifier sees as a value it knows nothing about. Used on offsets right before a point many
 * paths reach (one per combination of string lengths, or one per read of a bpf_loop): those
 * paths then arrive in the same state and what follows is verified once instead of once per
 * path, which otherwise took seconds at load. The code after checks the offset's bound itself.
 */
static __always_inline __u32 forget_range(__u32 *word, __u32 v)
{
	*(volatile __u32 *)word = v;
	return *(volatile __u32 *)word;
}

/*
 * State of one walk over a call's extra reads (bpf_loop callbacks exit_read and entry_read).
 * Each read is a callback run, so the verifier checks one read once rather than every
 * combination of the outcomes of all of them.
 */
struct sct_reads_walk {
	const struct sct_syscall_reads *rd;
	const struct sct_inflight *fl;
	__u8 *buf;  /* the record (exit) or the parked struct (entry) */
	__s64 ret;
	__u32 off;
	__u16 nstr;
};

/* bpf_loop callback: performs exit-time read i (those without SCT_RD_ENTRY). */
static long exit_read(__u64 i, void *data)
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
		w->off = put_bytes(w->buf, w->off, r, w->fl, w->ret, &w->nstr);
	else if (r->kind == SCT_READ_INOUT)
		w->off = put_inout(w->buf, w->off, r, w->fl, &w->nstr);
	w->off = forget_range(&((struct sct_header *)w->buf)->size, w->off);
	return 0;
}

/*
 * Appends the exit-time extra reads of the call in fl. A call that never returned (no_return)
 * gets none: its outputs were never written.
 */
static __always_inline __u32 put_exit_reads(__u8 *buf, __u32 off, const struct sct_inflight *fl,
					    __s64 ret, bool no_return, __u16 *nstr)
{
	struct sct_reads_walk w = { .fl = fl, .buf = buf, .ret = ret, .nstr = *nstr };
	__u32 nr = fl->nr;

	if (!fl->reads || no_return)
		return off;
	/* The record's size field is free until fill_header sets it. */
	w.off = forget_range(&((struct sct_header *)buf)->size, off);
	w.rd = bpf_map_lookup_elem(&sct_syscall_reads, &nr);
	if (!w.rd)
		return off;
	bpf_loop(SCT_READS_MAX, exit_read, &w, 0);
	*nstr = w.nstr;
	return w.off;
}

/* End of the parked blob area, as an offset from the start of struct sct_enter_strs. */
#define SCT_PARKED_END (sizeof(struct sct_enter_strs))

/* State of one string array walk (bpf_loop callbacks count_elem and strv_elem). */
struct sct_strv_walk {
	const __u64 *uarr; /* the user array */
	__u8 *text;        /* STRV: where the blob's bytes go (a scratch map value) */
	__u32 pos;         /* STRV: bytes written; COUNT: elements counted */
	__u32 cap;         /* STRV: string_max */
	__u8 flags;        /* enum sct_str_flags of the whole blob */
};

/* bpf_loop callback: counts element i of the array; stops at its NULL. */
static long count_elem(__u64 i, void *data)
{
	struct sct_strv_walk *w = data;
	__u64 p;

	if (bpf_probe_read_user(&p, sizeof(p), &w->uarr[i])) {
		w->flags = SCT_STR_UNREADABLE;
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
static __always_inline __u32 put_count(__u8 *base, __u32 off, __u8 arg, const __u64 *uarr,
				       __u16 *nstr)
{
	struct sct_strv_walk w = { .uarr = uarr, .flags = SCT_STR_TRUNCATED };

	barrier_var(off);
	if (off > SCT_PARKED_END - sizeof(struct sct_str) - 8)
		return off;
	bpf_loop(SCT_COUNT_MAX, count_elem, &w, 0);
	*(__u32 *)(base + off + sizeof(struct sct_str)) = w.pos;
	*nstr += 1;
	return finish_blob(base, off, arg, w.flags | (SCT_BLOB_COUNT << SCT_BLOB_KIND_SHIFT), sizeof(w.pos));
}

/*
 * bpf_loop callback: appends element i (one flags byte, the text cut at string_max and at the
 * blob's remaining room, a NUL); stops at the array's NULL or when the room is used up.
 */
static long strv_elem(__u64 i, void *data)
{
	struct sct_strv_walk *w = data;
	__u32 pos = w->pos, el_cap = w->cap, room, tl;
	__u8 *el;
	__u64 p;
	long n;

	if (bpf_probe_read_user(&p, sizeof(p), &w->uarr[i])) {
		w->flags = i == 0 ? SCT_STR_UNREADABLE : SCT_STR_TRUNCATED;
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
	barrier_var(pos);
	el = w->text + (pos & (SCT_STRV_BYTES - 1));
	barrier_var(el_cap);
	el_cap &= SCT_STRV_BYTES - 1;
	n = bpf_probe_read_user_str(el + 1, el_cap + 1, (const void *)p);
	el[0] = 0;
	if (n <= 0) {
		el[0] = SCT_STR_UNREADABLE;
		tl = 0;
	} else {
		tl = n - 1;
		/* A read that filled el_cap bytes may have cut the string; look one further. */
		if (tl == el_cap) {
			char next;

			if (!bpf_probe_read_user(&next, 1, (const char *)p + tl) && next)
				el[0] = SCT_STR_TRUNCATED;
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
static __always_inline __u32 put_strv(__u8 *base, __u32 off, __u8 arg, const __u64 *uarr,
				      __u16 *nstr)
{
	struct sct_strv_walk w = { .uarr = uarr, .cap = sct_string_cap(&sct_ctl), .flags = SCT_STR_TRUNCATED };

	/* The barrier keeps this bound check from being merged away; the verifier needs it. */
	barrier_var(off);
	if (off > SCT_PARKED_END - sizeof(struct sct_str) - SCT_STRV_BYTES - SCT_STRV_ROOM)
		return off;
	w.text = base + off + sizeof(struct sct_str);
	bpf_loop(SCT_STRV_MAX, strv_elem, &w, 0);
	if (w.pos > SCT_STRV_BYTES)
		w.pos = SCT_STRV_BYTES;
	*nstr += 1;
	return finish_blob(base, off, arg, w.flags | (SCT_BLOB_STRV << SCT_BLOB_KIND_SHIFT), w.pos);
}

/* bpf_loop callback: performs entry-time read i (execve's arrays) into the parked blobs. */
static long entry_read(__u64 i, void *data)
{
	struct sct_reads_walk *w = data;
	const struct sct_read *r;
	const __u64 *uarr;
	__u8 arg;

	if (i >= SCT_READS_MAX)
		return 1;
	r = &w->rd->read[i];
	arg = r->arg;
	if (r->kind == SCT_READ_NONE)
		return 1;
	if (!(r->flags & SCT_RD_ENTRY) || r->kind != SCT_READ_STRV || arg >= SCT_MAX_ARGS)
		return 0;
	uarr = (const __u64 *)arg_value(w->fl, arg);
	if (!uarr)
		return 0;
	if ((r->flags & SCT_RD_ENV) && !(w->fl->traces & sct_ctl.exec_env))
		w->off = put_count(w->buf, w->off, arg, uarr, &w->nstr);
	else
		w->off = put_strv(w->buf, w->off, arg, uarr, &w->nstr);
	w->off = forget_range(&((struct sct_enter_strs *)w->buf)->bytes, w->off);
	return 0;
}

/* Appends the entry-time extra reads (execve's arrays) of the call in fl to the parked blobs. */
static __always_inline __u32 put_entry_reads(__u8 *base, __u32 off, const struct sct_inflight *fl,
					     __u16 *nstr)
{
	struct sct_reads_walk w = { .fl = fl, .buf = base, .nstr = *nstr };
	__u32 nr = fl->nr;

	w.rd = bpf_map_lookup_elem(&sct_syscall_reads, &nr);
	if (!w.rd)
		return off;
	/* The parked struct's byte count is free until park_enter_strings sets it. */
	w.off = forget_range(&((struct sct_enter_strs *)base)->bytes, off);
	bpf_loop(SCT_READS_MAX, entry_read, &w, 0);
	*nstr = w.nstr;
	return w.off;
}

#endif /* SCT_LIB_BLOBS_H */
