/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * io_submit's iocbs, for both kernel sides (included by sctrace_blobs.h, whose helpers and caps it
 * uses): the array of iocb pointers, the struct iocb behind each of the first ones and what an
 * iocb points to that strace prints (SCT_READ_AIO, sctrace_event.h).
 */
#ifndef SCTRACE_AIO_H
#define SCTRACE_AIO_H

/* linux/aio_abi.h's commands whose iocb points to what strace prints. */
enum sct_aio_cmd {
	SCT_IOCB_CMD_PWRITE = 1,
	SCT_IOCB_CMD_PREADV = 7,
	SCT_IOCB_CMD_PWRITEV = 8,
};

/* sizeof(struct iocb), and the fields at byte 16: aio_lio_opcode, aio_reqprio, aio_fildes, aio_buf, aio_nbytes. */
enum { SCT_IOCB_SIZE = 64, SCT_IOCB_OP_AT = 16 };
struct sct_iocb_op {
	__u16 opcode;
	__s16 reqprio;
	__u32 fildes;
	__u64 buf;
	__u64 nbytes;
};

/* State of one walk over the iocb pointers (SCT_LOOP callback sct_aio_iocb). */
struct sct_aio_walk {
	__u8 *buf;
	__u64 uarr; /* the pointer array's user address */
	__u64 nr;   /* pointers in it */
	__u32 off;
	__u32 cap;  /* string_max: the most of a PWRITE buffer delivered */
	__u16 nblob;
	__u8 arg;
};

/* Appends a derived blob of `want` bytes at uaddr (cut at cap) to the walk's record. */
static SCT_INLINE void sct_aio_put(struct sct_aio_walk *w, __u8 key, __u64 uaddr, __u64 want, __u32 cap)
{
	__u32 next = sct_put_user_blob(w->buf, w->off, key, 0, uaddr, want, cap);

	if (next == w->off)
		return;
	w->off = sct_forget(&((struct sct_header *)w->buf)->size, next);
	w->nblob++;
}

/* SCT_LOOP callback: appends iocb i and what it points to. */
static long sct_aio_iocb(__u64 i, void *data)
{
	struct sct_aio_walk *w = data;
	struct sct_iocb_op op;
	__u64 ptr = 0, n;

	if (i >= SCT_AIO_IOCBS || i >= w->nr)
		return 1;
	if (sct_read_user(&ptr, sizeof(ptr), w->uarr + i * sizeof(ptr)))
		return 1;
	if (!ptr)
		return 0;
	sct_aio_put(w, sct_derived_key(w->arg, i), ptr, SCT_IOCB_SIZE, SCT_IOCB_SIZE);
	if (sct_read_user(&op, sizeof(op), ptr + SCT_IOCB_OP_AT) || !op.buf)
		return 0;
	if (op.opcode == SCT_IOCB_CMD_PWRITE) {
		sct_aio_put(w, sct_derived_key(SCT_AIO_DATA_ARG, i), op.buf, op.nbytes, w->cap);
	} else if (op.opcode == SCT_IOCB_CMD_PREADV || op.opcode == SCT_IOCB_CMD_PWRITEV) {
		/* One element more than strace shows tells it the array goes on. */
		n = op.nbytes > SCT_AIO_IOVS_MAX ? SCT_AIO_IOVS_MAX + 1 : op.nbytes;
		sct_aio_put(w, sct_derived_key(SCT_AIO_DATA_ARG, i), op.buf, n * sizeof(struct sct_uiovec),
			    (SCT_AIO_IOVS_MAX + 1) * sizeof(struct sct_uiovec));
	}
	return 0;
}

/*
 * SCT_READ_AIO: at exit, io_submit's pointer array at argument r->arg (r->len_arg of them, one
 * more than SCT_AIO_PTRS_MAX at most; only up to its page's end when it runs into unreadable
 * memory, as strace shows the pointers it could read), then the first SCT_AIO_IOCBS iocbs.
 */
static SCT_INLINE __u32 sct_put_aio(__u8 *buf, __u32 off, const struct sct_read *r, const struct sct_inflight *fl,
				    __u16 *nblob)
{
	struct sct_aio_walk w = { .buf = buf, .cap = sct_string_cap(&sct_ctl) };
	__u64 want, head, last;
	__s64 nr;
	__u32 next;

	if (r->arg >= SCT_MAX_ARGS || r->len_arg >= SCT_MAX_ARGS || off > SCT_BLOB_OFF_MAX)
		return off;
	w.arg = r->arg;
	w.uarr = sct_arg_value(fl, r->arg);
	nr = (__s64)sct_arg_value(fl, r->len_arg);
	if (!w.uarr || nr <= 0)
		return off;
	w.nr = nr;
	want = (w.nr > SCT_AIO_PTRS_MAX ? SCT_AIO_PTRS_MAX + 1 : w.nr) * sizeof(__u64);
	head = 4096 - (w.uarr & 4095);
	if (head < want && sct_read_user(&last, sizeof(last), w.uarr + want - sizeof(last)))
		want = head;
	next = sct_put_user_blob(buf, off, r->arg, 0, w.uarr, want, (SCT_AIO_PTRS_MAX + 1) * sizeof(__u64));
	if (next == off)
		return off;
	*nblob += 1;
	w.off = sct_forget(&((struct sct_header *)buf)->size, next);
	SCT_LOOP(SCT_AIO_IOCBS, sct_aio_iocb, &w);
	*nblob += w.nblob;
	return w.off;
}

#endif /* SCTRACE_AIO_H */
