/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Reads whose size or presence depends on the call, for both kernel sides (included by
 * sctrace_blobs.h, whose helpers and caps it uses): ioctl's argument sized by its request
 * (SCT_READ_IOCTL), select's fd sets at entry and at exit (SCT_READ_FDSETS), entry values of
 * arguments the call also writes (SCT_RD_BOTH: select's timeout, sendfile's offset), clone3's
 * outputs behind its struct (SCT_READ_CLONE3), getdents' entry count (SCT_READ_DIRENTS) and what
 * pointers inside a struct point to (SCT_READ_INNER: bpf_attr's strings; SCT_READ_URING_RSRC:
 * io_uring_register's resource arrays). Each
 * runs only for the syscalls whose table entry names it, and only for calls some trace wants.
 *
 * Entry values are written into the parked blobs (struct sct_enter_strs, sctrace_kernel.h) and
 * travel to the record with them, in derived part SCT_PART_ENTRY of their argument; the exit
 * values are the argument's own blob, as for any read at exit.
 *
 * Besides sctrace_blobs.h's contract, each backend defines
 *   sct_ioctl_size_of(request)   const struct sct_ioctl_size *: the ioctl size table's entry for
 *                                request (a __u32 lvalue), or NULL
 */
#ifndef SCTRACE_READS_H
#define SCTRACE_READS_H

/* asm-generic/ioctl.h's layout of a request number (x86_64). */
enum sct_ioc {
	SCT_IOC_SIZESHIFT = 16,
	SCT_IOC_SIZEMASK = 0x3fff,
	SCT_IOC_DIRSHIFT = 30,
	SCT_IOC_WRITE = 1,
	SCT_IOC_READ = 2,
};

/* include/uapi/linux/sched.h: the clone3 flags whose outputs SCT_READ_CLONE3 reads. */
enum sct_clone3_flags {
	SCT_CLONE_PIDFD = 0x1000,
	SCT_CLONE_PARENT_SETTID = 0x100000,
};

/* The head of struct clone_args: the pointers the kernel writes through in the parent. */
struct sct_clone_args_head {
	__u64 flags;
	__u64 pidfd;
	__u64 child_tid;
	__u64 parent_tid;
};

/* struct clone_args' set_tid array and its length (CLONE_ARGS_SIZE_VER1), at byte 64. */
enum { SCT_CLONE_ARGS_SET_TID = 64 };
struct sct_clone_args_tids {
	__u64 set_tid;
	__u64 set_tid_size;
};

/*
 * Appends an entry-value blob (key) of `want` bytes at uaddr, cut at cap, to the parked blobs in
 * buf: the bound keeps it inside struct sct_enter_strs, which the module parks in directly.
 */
static SCT_INLINE __u32 sct_put_entry_blob(__u8 *buf, __u32 off, __u8 key, __u64 uaddr, __u64 want, __u32 cap,
					   __u16 *nblob)
{
	__u32 next;

	sct_barrier_var(off);
	if (!uaddr || off > SCT_PARKED_END - SCT_BLOB_ROOM)
		return off;
	next = sct_put_user_blob(buf, off, key, 0, uaddr, want, cap);
	*nblob += next != off;
	return next;
}

/*
 * The size and direction of ioctl read r's argument for the request of the call in fl (the
 * table's entry, else the request's _IOC fields), as size | dir << 16; 0 when nothing is read.
 */
static SCT_INLINE __u32 sct_ioctl_arg(const struct sct_read *r, const struct sct_inflight *fl)
{
	__u32 request, size, dir;
	const struct sct_ioctl_size *t;

	if (r->len_arg >= SCT_MAX_ARGS)
		return 0;
	request = sct_arg_value(fl, r->len_arg);
	t = sct_ioctl_size_of(request);
	if (t) {
		size = t->size;
		dir = t->dir;
	} else {
		size = (request >> SCT_IOC_SIZESHIFT) & SCT_IOC_SIZEMASK;
		dir = request >> SCT_IOC_DIRSHIFT;
	}
	if (size > r->max)
		size = r->max;
	if (!size || !dir)
		return 0;
	return size | dir << 16;
}

/*
 * What the call in fl reads at entry into its in-flight slot, before any parking: the entry
 * value of its SCT_READ_INOUT read, or the argument size and direction of its ioctl read (in
 * fl->inout both: a call has one or the other). An ioctl whose argument is both read and written
 * parks its entry value (fl->enter_str gains SCT_ENTER_READS).
 */
static SCT_INLINE void sct_read_at_entry(struct sct_inflight *fl)
{
	__u32 nr = fl->nr;
	const struct sct_syscall_reads *rd = sct_syscall_reads_of(nr);

	fl->inout_ok = 0;
	fl->inout = 0;
	if (!rd)
		return;
	SCT_UNROLL
	for (int i = 0; i < SCT_READS_MAX; i++) {
		const struct sct_read *r = &rd->read[i];
		__u8 arg = r->arg;

		if (arg >= SCT_MAX_ARGS || !sct_arg_value(fl, arg))
			continue;
		if (r->kind == SCT_READ_IOCTL) {
			fl->inout = sct_ioctl_arg(r, fl);
			if ((fl->inout >> 16) == (SCT_IOC_READ | SCT_IOC_WRITE))
				fl->enter_str |= SCT_ENTER_READS;
			return;
		}
		if (r->kind != SCT_READ_INOUT)
			continue;
		fl->inout_ok = !sct_read_user(&fl->inout, sizeof(fl->inout), sct_arg_value(fl, arg));
		return;
	}
}

/* ioctl read r at entry (into the parked blobs: the argument read and written) or at exit. */
static SCT_INLINE __u32 sct_put_ioctl(__u8 *buf, __u32 off, const struct sct_read *r, const struct sct_inflight *fl,
				      __s64 ret, bool entry, __u16 *nblob)
{
	__u32 size = fl->inout & 0xffff, dir = fl->inout >> 16, next;
	__u8 arg = r->arg;
	__u64 ptr;

	if (arg >= SCT_MAX_ARGS || !size)
		return off;
	ptr = sct_arg_value(fl, arg);
	if (entry) {
		if (dir != (SCT_IOC_READ | SCT_IOC_WRITE))
			return off;
		return sct_put_entry_blob(buf, off, sct_derived_key(arg, SCT_PART_ENTRY), ptr, size, r->max, nblob);
	}
	/* An output is there after success only; an input is what the call was given. */
	if (!ptr || ((dir & SCT_IOC_READ) && ret < 0))
		return off;
	next = sct_put_user_blob(buf, off, arg, 0, ptr, size, r->max);
	*nblob += next != off;
	return next;
}

/*
 * select's fd sets (read r): at entry into the parked blobs, at exit after a positive count into
 * the arguments' blobs. Each is read as strace reads it, (nfds + 7) / 8 bytes rounded up to whole
 * longs (the kernel's own unit), at most r->max. `word` is the buffer's scratch word for
 * sct_forget (each set's read then merges the verifier's paths).
 */
static SCT_INLINE __u32 sct_put_fdsets(__u8 *buf, __u32 off, const struct sct_read *r, const struct sct_inflight *fl,
				       __s64 ret, bool entry, __u32 *word, __u16 *nblob)
{
	__u8 arg = r->arg;
	__s32 nfds;
	__u64 len;

	if (arg > SCT_MAX_ARGS - 3 || r->len_arg >= SCT_MAX_ARGS || (!entry && ret <= 0))
		return off;
	nfds = (__s32)sct_arg_value(fl, r->len_arg);
	if (nfds <= 0)
		return off;
	len = (((__u64)nfds + 7) / 8 + 7) & ~7ull;
	SCT_UNROLL
	for (int i = 0; i < 3; i++) {
		__u64 p = sct_arg_value(fl, arg + i);
		__u32 next;

		if (!p)
			continue;
		if (entry) {
			off = sct_put_entry_blob(buf, off, sct_derived_key(arg + i, SCT_PART_ENTRY), p, len, r->max, nblob);
		} else {
			next = sct_put_user_blob(buf, off, arg + i, 0, p, len, r->max);
			*nblob += next != off;
			off = next;
		}
		off = sct_forget(word, off);
	}
	return off;
}

/* The entry value of BYTES read r (SCT_RD_BOTH, SCT_RD_ENTRY), into the parked blobs. */
static SCT_INLINE __u32 sct_put_both_entry(__u8 *buf, __u32 off, const struct sct_read *r, const struct sct_inflight *fl,
					   __u16 *nblob)
{
	__u64 want = 0;
	__u8 arg = r->arg;

	if (arg >= SCT_MAX_ARGS || r->len_from == SCT_LEN_RET || !sct_read_len(r, fl, 0, &want))
		return off;
	return sct_put_entry_blob(buf, off, sct_derived_key(arg, SCT_PART_ENTRY), sct_arg_value(fl, arg), want, r->max,
				  nblob);
}

/* Appends a 4-byte output behind one of clone3's pointers, when the flag asks for it. */
static SCT_INLINE __u32 sct_put_clone3_out(__u8 *buf, __u32 off, __u8 part, __u64 flags, __u64 flag, __u64 uaddr,
					   __u16 *nblob)
{
	__u32 next;

	if (!(flags & flag) || !uaddr)
		return off;
	next = sct_put_user_blob(buf, off, sct_derived_key(0, part), 0, uaddr, sizeof(__u32), sizeof(__u32));
	*nblob += next != off;
	return next;
}

/*
 * SCT_READ_CLONE3: in the parent after success, the pidfd and parent_tid clone3 wrote; in the
 * parent whatever the call returned (not in the child), the set_tid array, an input, when its
 * size is one the kernel accepts (1..SCT_CLONE3_SET_TID_MAX: strace prints others' address).
 */
static SCT_INLINE __u32 sct_put_clone3(__u8 *buf, __u32 off, const struct sct_read *r, const struct sct_inflight *fl,
				       __s64 ret, __u16 *nblob)
{
	struct sct_clone_args_head a;
	struct sct_clone_args_tids t;
	__u8 arg = r->arg;
	__u64 base;
	__u32 next;

	if (arg >= SCT_MAX_ARGS || ret == 0 || !sct_arg_value(fl, arg))
		return off;
	base = sct_arg_value(fl, arg);
	if (ret > 0 && !sct_read_user(&a, sizeof(a), base)) {
		off = sct_put_clone3_out(buf, off, SCT_CLONE3_PART_PIDFD, a.flags, SCT_CLONE_PIDFD, a.pidfd, nblob);
		off = sct_forget(&((struct sct_header *)buf)->size, off);
		off = sct_put_clone3_out(buf, off, SCT_CLONE3_PART_PARENT_TID, a.flags, SCT_CLONE_PARENT_SETTID,
					 a.parent_tid, nblob);
		off = sct_forget(&((struct sct_header *)buf)->size, off);
	}
	if (sct_read_user(&t, sizeof(t), base + SCT_CLONE_ARGS_SET_TID) || !t.set_tid || !t.set_tid_size ||
	    t.set_tid_size > SCT_CLONE3_SET_TID_MAX)
		return off;
	next = sct_put_user_blob(buf, off, sct_derived_key(0, SCT_CLONE3_PART_SET_TID), 0, t.set_tid,
				 sizeof(__u32) * t.set_tid_size, sizeof(__u32) * SCT_CLONE3_SET_TID_MAX);
	*nblob += next != off;
	return next;
}

/*
 * SCT_READ_INNER: at exit, what the pointer at byte 8 * len_arg of the struct at argument `arg`
 * points to: a string (SCT_RD_STRING), or the struct's u32 count at byte 4 * len_from times elem
 * bytes. The struct is read again here (its own read may be cut or at another size). With
 * SCT_RD_HEAD the struct through its count, as a 64-bit one (4 * len_from + 8 bytes), is the
 * argument's own blob first (pselect6's sigmask pair, which has no other read to spare).
 */
static SCT_INLINE __u32 sct_put_inner(__u8 *buf, __u32 off, const struct sct_read *r, const struct sct_inflight *fl,
				      __s64 ret, __u16 *nblob)
{
	__u8 arg = r->arg, key;
	__u64 base, ptr = 0;
	__u32 count = 0, next;

	if (arg >= SCT_MAX_ARGS || off > SCT_BLOB_OFF_MAX || ((r->flags & SCT_RD_SUCCESS) && ret < 0))
		return off;
	base = sct_arg_value(fl, arg);
	if (!base)
		return off;
	if (r->flags & SCT_RD_HEAD) {
		next = sct_put_user_blob(buf, off, arg, 0, base, 4 * (__u64)r->len_from + 8, SCT_INNER_HEAD_MAX);
		*nblob += next != off;
		off = sct_forget(&((struct sct_header *)buf)->size, next);
		if (off > SCT_BLOB_OFF_MAX)
			return off;
	}
	if (sct_read_user(&ptr, sizeof(ptr), base + 8 * (__u64)r->len_arg) || !ptr)
		return off;
	key = sct_derived_key(arg, SCT_INNER_PART + (r->len_arg & 3));
	/*
	 * Restated for the verifier (checked above, so no change): Linux 6.1 loses off's bound when
	 * clang keeps it across the reads, and refuses the string read into buf + off.
	 */
	sct_clamp_max(off, SCT_BLOB_OFF_MAX);
	if (r->flags & SCT_RD_STRING) {
		next = sct_put_str(buf, off, key, ptr, false, r->max == SCT_STR_MAX ? SCT_STR_MAX : sct_string_cap(&sct_ctl));
	} else {
		if (sct_read_user(&count, sizeof(count), base + 4 * (__u64)r->len_from))
			return off;
		next = sct_put_user_blob(buf, off, key, 0, ptr, sct_elems(count, r->elem), r->max);
	}
	*nblob += next != off;
	return next;
}

/* io_uring_register's opcodes whose struct points to arrays (include/uapi/linux/io_uring.h). */
enum sct_uring_register {
	SCT_IORING_REGISTER_FILES_UPDATE = 6,
	SCT_IORING_REGISTER_FILES2 = 13,
	SCT_IORING_REGISTER_FILES_UPDATE2 = 14,
	SCT_IORING_REGISTER_BUFFERS2 = 15,
	SCT_IORING_REGISTER_BUFFERS_UPDATE = 16,
};

/*
 * The 32 bytes of struct io_uring_files_update (offset, resv, fds), io_uring_rsrc_register (nr,
 * flags, resv2, data, tags) and io_uring_rsrc_update2 (offset, resv, data, tags, nr, resv2).
 */
struct sct_uring_rsrc {
	__u64 w[4];
};

/* Appends `count` elements of `elem` bytes at uaddr as derived part `part` of argument `arg`. */
static SCT_INLINE __u32 sct_put_uring_array(__u8 *buf, __u32 off, __u8 arg, __u8 part, __u64 uaddr, __u32 count,
					    __u32 elem, __u16 *nblob)
{
	__u32 next;

	if (!uaddr || !count || off > SCT_BLOB_OFF_MAX)
		return off;
	next = sct_put_user_blob(buf, off, sct_derived_key(arg, part), 0, uaddr, sct_elems(count, elem), SCT_STR_MAX);
	*nblob += next != off;
	return sct_forget(&((struct sct_header *)buf)->size, next);
}

/*
 * SCT_READ_URING_RSRC: io_uring_register's argument `arg` at exit, `max` bytes of it (the
 * argument's own blob: PBUF_RING's struct), and for the opcode in argument `len_arg` the arrays
 * its struct points to, in derived parts SCT_URING_PART_DATA and SCT_URING_PART_TAGS of `arg`:
 * FILES_UPDATE's fds (nr_args, argument `arg` + 1, ints), FILES2's and BUFFERS2's data (fds or
 * iovecs) and tags, FILES_UPDATE2's and BUFFERS_UPDATE's, `nr` of each, at most a page.
 */
static SCT_INLINE __u32 sct_put_uring_rsrc(__u8 *buf, __u32 off, const struct sct_read *r, const struct sct_inflight *fl,
					   __u16 *nblob)
{
	struct sct_uring_rsrc s;
	__u8 arg = r->arg;
	__u64 base, data = 0, tags = 0;
	__u32 op, nr = 0, elem = sizeof(__u32), next;

	if (arg >= SCT_MAX_ARGS - 1 || r->len_arg >= SCT_MAX_ARGS || off > SCT_BLOB_OFF_MAX)
		return off;
	base = sct_arg_value(fl, arg);
	if (!base)
		return off;
	next = sct_put_user_blob(buf, off, arg, 0, base, r->max, r->max);
	*nblob += next != off;
	off = sct_forget(&((struct sct_header *)buf)->size, next);
	op = sct_arg_value(fl, r->len_arg);
	if (sct_read_user(&s, sizeof(s), base))
		return off;
	if (op == SCT_IORING_REGISTER_BUFFERS2 || op == SCT_IORING_REGISTER_BUFFERS_UPDATE)
		elem = 16;
	if (op == SCT_IORING_REGISTER_FILES_UPDATE) {
		data = s.w[1];
		nr = sct_arg_value(fl, arg + 1);
	} else if (op == SCT_IORING_REGISTER_FILES2 || op == SCT_IORING_REGISTER_BUFFERS2) {
		nr = (__u32)s.w[0];
		data = s.w[2];
		tags = s.w[3];
	} else if (op == SCT_IORING_REGISTER_FILES_UPDATE2 || op == SCT_IORING_REGISTER_BUFFERS_UPDATE) {
		data = s.w[1];
		tags = s.w[2];
		nr = (__u32)s.w[3];
	}
	off = sct_put_uring_array(buf, off, arg, SCT_URING_PART_DATA, data, nr, elem, nblob);
	return sct_put_uring_array(buf, off, arg, SCT_URING_PART_TAGS, tags, nr, sizeof(__u64), nblob);
}

/* State of one walk over returned directory entries (SCT_LOOP callback sct_dirent_step). */
struct sct_dirent_walk {
	__u64 base; /* the buffer's user address */
	__u64 end;  /* bytes returned */
	__u64 pos;
	__u32 count;
	__u8 flags; /* enum sct_blob_flags of the count */
};

/* SCT_LOOP callback: steps over the entry at w->pos (d_reclen at offset 16 in both layouts). */
static long sct_dirent_step(__u64 i, void *data)
{
	struct sct_dirent_walk *w = data;
	__u16 reclen;

	if (w->pos >= w->end) {
		w->flags = 0;
		return 1;
	}
	if (sct_read_user(&reclen, sizeof(reclen), w->base + w->pos + 16) || !reclen) {
		w->flags = SCT_BLOB_UNREADABLE;
		return 1;
	}
	w->pos += reclen;
	w->count++;
	return 0;
}

/* SCT_READ_DIRENTS: the entries of a successful getdents beyond what a BYTES read delivers. */
static SCT_INLINE __u32 sct_put_dirents(__u8 *buf, __u32 off, const struct sct_read *r, const struct sct_inflight *fl,
					__s64 ret, __u16 *nblob)
{
	struct sct_dirent_walk w = { .end = ret, .flags = SCT_BLOB_TRUNCATED };
	__u8 arg = r->arg;

	if (arg >= SCT_MAX_ARGS || ret <= r->max || off > SCT_BLOB_OFF_MAX)
		return off;
	w.base = sct_arg_value(fl, arg);
	SCT_LOOP(SCT_DIRENTS_MAX, sct_dirent_step, &w);
	if (w.flags & SCT_BLOB_UNREADABLE)
		return off;
	*(__u32 *)(buf + off + sizeof(struct sct_blob)) = w.count;
	*nblob += 1;
	return sct_finish_blob(buf, off, sct_derived_key(arg, SCT_DIRENTS_PART_COUNT),
			       w.flags | (SCT_BLOB_COUNT << SCT_BLOB_KIND_SHIFT), sizeof(w.count));
}

#endif /* SCTRACE_READS_H */
