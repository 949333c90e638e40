/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reads that follow pointers found in user memory, for both kernel sides (included by
 * sctrace_blobs.h, whose helpers and caps it uses): an iovec array and the data of its elements
 * (readv, writev, preadv, pwritev and their v2 forms, vmsplice: SCT_READ_IOVEC), and what a
 * struct user_msghdr points to (sendmsg, recvmsg: SCT_READ_MSGHDR). What they produce are
 * derived blobs (sct_blob.arg = SCT_BLOB_DERIVED | arg << SCT_DERIVED_ARG_SHIFT | part, kind
 * SCT_BLOB_BYTES), in the parts sctrace_event.h lists; element data carries SCT_BLOB_DATA, so user
 * space cuts it to each trace's buffer_bytes like a data buffer.
 */
#ifndef SCTRACE_IOV_H
#define SCTRACE_IOV_H

/* struct iovec of a 64-bit user space. */
struct sct_uiovec {
	__u64 base;
	__u64 len;
};

/* struct user_msghdr of a 64-bit user space (56 bytes). */
struct sct_umsghdr {
	__u64 name;
	__u32 namelen;
	__u32 pad0;
	__u64 iov;
	__u64 iovlen;
	__u64 control;
	__u64 controllen;
	__u32 flags;
	__u32 pad1;
};

/* The derived blob key of `part` behind argument `arg`. */
static SCT_INLINE __u8 sct_derived_key(__u8 arg, __u8 part)
{
	return SCT_BLOB_DERIVED | (arg << SCT_DERIVED_ARG_SHIFT) | part;
}

/*
 * Appends a bytes blob keyed `key` with `want` bytes of user memory at uaddr, cut at cap (at
 * most SCT_STR_MAX); returns the new end, or off when there is no room.
 */
static SCT_INLINE __u32 sct_put_user_blob(__u8 *buf, __u32 off, __u8 key, __u8 flags, __u64 uaddr, __u64 want,
					  __u32 cap)
{
	__u32 len;

	if (off > SCT_BLOB_OFF_MAX)
		return off;
	flags |= SCT_BLOB_BYTES << SCT_BLOB_KIND_SHIFT;
	if (want > cap) {
		want = cap;
		flags |= SCT_BLOB_TRUNCATED;
	}
	len = want;
	sct_clamp_max(len, SCT_STR_MAX);
	/*
	 * Restated for the verifier (checked above): Linux 6.1 loses off's bound when clang keeps it
	 * spilled since the caller's check (pselect6's SCT_READ_INNER head read), here as below.
	 */
	sct_clamp_max(off, SCT_BLOB_OFF_MAX);
	if (len && sct_read_user(buf + off + sizeof(struct sct_blob), len, uaddr)) {
		len = 0;
		flags |= SCT_BLOB_UNREADABLE;
	}
	/* Restated for the verifier: Linux 6.1 loses off's bound when clang spills it across the read. */
	sct_clamp_max(off, SCT_BLOB_OFF_MAX);
	return sct_finish_blob(buf, off, key, flags, len);
}

/* State of one walk over an iovec array's elements (SCT_LOOP callback sct_iov_elem). */
struct sct_iov_walk {
	__u8 *buf;
	__u64 uiov;  /* the array's user address */
	__u64 left;  /* data bytes the call transferred and not yet delivered (~0: no bound) */
	__u32 off;
	__u32 cap;   /* per element data cap: the largest buffer_bytes of the call's traces */
	__u16 nblob;
	__u8 key;    /* the derived key of the first element's data */
	__u8 parts;  /* elements whose data has a part */
};

/* SCT_LOOP callback: appends the data of element i (an empty blob for a zero-length one). */
static long sct_iov_elem(__u64 i, void *data)
{
	struct sct_iov_walk *w = data;
	struct sct_uiovec iov;
	__u64 want;
	__u32 next;

	if (i >= SCT_IOV_DATA_PARTS || i >= w->parts)
		return 1;
	if (sct_read_user(&iov, sizeof(iov), w->uiov + i * sizeof(iov)))
		return 1;
	want = iov.len < w->left ? iov.len : w->left;
	w->left -= want;
	if (!iov.base)
		return 0;
	next = sct_put_user_blob(w->buf, w->off, w->key + i, SCT_BLOB_DATA, iov.base, want, w->cap);
	if (next == w->off)
		return 1;
	w->off = sct_forget(&((struct sct_header *)w->buf)->size, next);
	w->nblob++;
	return 0;
}

/*
 * Appends the iovec array of `count` elements at uiov (part `array_part` behind arg: at most
 * SCT_IOV_ELEMS of them, truncated beyond) and the data of its first `parts` elements (the parts
 * after it), `left` bytes in all. Data only for traces with buffer_bytes; returns the new end.
 */
static SCT_INLINE __u32 sct_put_iov(__u8 *buf, __u32 off, __u8 arg, __u8 array_part, __u64 uiov, __u64 count,
				    __u64 left, __u64 traces, __u8 parts, __u16 *nblob)
{
	struct sct_iov_walk w = { .buf = buf, .uiov = uiov, .left = left, .parts = parts };
	/* One element more than delivered marks the array truncated (and keeps the product small). */
	__u64 want = (count > SCT_IOV_ELEMS ? SCT_IOV_ELEMS + 1 : count) * sizeof(struct sct_uiovec);
	__u32 next;

	__u64 head;

	if (!uiov || off > SCT_BLOB_OFF_MAX)
		return off;
	if (count < parts)
		w.parts = count;
	next = sct_put_user_blob(buf, off, sct_derived_key(arg, array_part), 0, uiov, want,
				 SCT_IOV_ELEMS * sizeof(struct sct_uiovec));
	if (next == off)
		return off;
	/*
	 * An array whose end lies in an unmapped page: the whole elements before that page, in a
	 * blob shorter than the count says (strace prints them, then `...` and the address of the rest).
	 */
	sct_clamp_max(off, SCT_BLOB_OFF_MAX);
	head = (4096 - (uiov & 4095)) & ~(__u64)(sizeof(struct sct_uiovec) - 1);
	if ((((struct sct_blob *)(buf + off))->flags & SCT_BLOB_UNREADABLE) && head && head < want)
		next = sct_put_user_blob(buf, off, sct_derived_key(arg, array_part), 0, uiov, head,
					 SCT_IOV_ELEMS * sizeof(struct sct_uiovec));
	*nblob += 1;
	w.cap = sct_buffer_cap(&sct_ctl, traces);
	if (w.cap == 0 || count == 0 || parts == 0)
		return next;
	sct_clamp_max(w.cap, SCT_STR_MAX);
	w.off = sct_forget(&((struct sct_header *)buf)->size, next);
	w.key = sct_derived_key(arg, array_part + 1);
	SCT_LOOP(SCT_IOV_DATA_PARTS, sct_iov_elem, &w);
	*nblob += w.nblob;
	return w.off;
}

/* How many data bytes a read of the call in fl (which returned ret) may show: ret, or no bound. */
static SCT_INLINE __u64 sct_iov_budget(const struct sct_read *r, __s64 ret)
{
	if (r->len_from == SCT_LEN_RET)
		return ret > 0 ? ret : 0;
	return ~0ull;
}

/*
 * SCT_READ_IOVEC: the iovec array at argument r->arg, r->len_arg elements, whether or not the
 * call failed (strace prints a failed readv's array, without data), and their data: with
 * SCT_RD_BUFFER only (process_vm_readv's remote array is addresses in another process), and
 * with SCT_RD_SUCCESS only after success.
 */
static SCT_INLINE __u32 sct_put_iovec_read(__u8 *buf, __u32 off, const struct sct_read *r,
					   const struct sct_inflight *fl, __s64 ret, __u16 *nblob)
{
	__u8 arg = r->arg, len_arg = r->len_arg, parts = SCT_IOV_DATA_PARTS;

	if (arg >= SCT_MAX_ARGS || len_arg >= SCT_MAX_ARGS)
		return off;
	if (!(r->flags & SCT_RD_BUFFER) || ((r->flags & SCT_RD_SUCCESS) && ret < 0))
		parts = 0;
	return sct_put_iov(buf, off, arg, SCT_IOV_PART_ARRAY, sct_arg_value(fl, arg), sct_arg_value(fl, len_arg),
			   sct_iov_budget(r, ret), fl->traces, parts, nblob);
}

/*
 * SCT_READ_MSGHDR: what the struct user_msghdr at argument r->arg points to, read now (at exit:
 * recvmsg's name, lengths and flags are the kernel's answers): the name, the iovec array and
 * the data of its first elements, the control data.
 */
static SCT_INLINE __u32 sct_put_msghdr_read(__u8 *buf, __u32 off, const struct sct_read *r,
					    const struct sct_inflight *fl, __s64 ret, __u16 *nblob)
{
	struct sct_umsghdr m;
	__u8 arg = r->arg;
	__u32 next;

	if (arg >= SCT_MAX_ARGS || ((r->flags & SCT_RD_SUCCESS) && ret < 0))
		return off;
	if (!sct_arg_value(fl, arg) || sct_read_user(&m, sizeof(m), sct_arg_value(fl, arg)))
		return off;
	if (m.name && m.namelen) {
		next = sct_put_user_blob(buf, off, sct_derived_key(arg, SCT_MSG_PART_NAME), 0, m.name, m.namelen,
					 SCT_MSG_NAME_MAX);
		*nblob += next != off;
		off = sct_forget(&((struct sct_header *)buf)->size, next);
	}
	off = sct_put_iov(buf, off, arg, SCT_MSG_PART_IOV, m.iov, m.iovlen, sct_iov_budget(r, ret), fl->traces,
			  SCT_MSG_DATA_PARTS, nblob);
	off = sct_forget(&((struct sct_header *)buf)->size, off);
	if (m.control && m.controllen) {
		next = sct_put_user_blob(buf, off, sct_derived_key(arg, SCT_MSG_PART_CONTROL), 0, m.control,
					 m.controllen, SCT_MSG_CONTROL_MAX);
		*nblob += next != off;
		off = next;
	}
	return off;
}

#endif /* SCTRACE_IOV_H */
