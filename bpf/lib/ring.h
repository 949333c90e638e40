/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Getting records into the shared ring: which of a record's traces get it (admission: running,
 * not paused, within budget under pressure), when to wake the consumer, and per-trace loss
 * counting wherever a record is dropped. Nothing is dropped without a count.
 */
#ifndef SCT_LIB_RING_H
#define SCT_LIB_RING_H

/*
 * Walks over the traces of a mask (bpf_loop callbacks lost_one and charge_one): one callback
 * run per slot, so the verifier checks the body once instead of once per bit of every mask it
 * can tell apart (a plain loop over 64 bits went past its million-instruction limit).
 */
struct sct_mask_walk {
	__u64 traces; /* the traces to visit */
	__u64 out;    /* charge_one: those still admitted */
	__u32 size;   /* charge_one: bytes to charge */
	__u32 cause;  /* lost_one: enum sct_loss */
};

static long lost_one(__u64 i, void *data)
{
	struct sct_mask_walk *w = data;

	if (i >= SCT_TRACES_MAX || !(w->traces >> i))
		return 1;
	if (((w->traces >> i) & 1) && w->cause < SCT_LOSS_KINDS)
		__sync_fetch_and_add(&sct_ctl.lost[i][w->cause], 1);
	return 0;
}

/* Adds one loss of `cause` to every trace in `traces` (slow paths only). */
static __always_inline void count_lost(__u64 traces, enum sct_loss cause)
{
	struct sct_mask_walk w = { .traces = traces, .cause = cause };

	bpf_loop(SCT_TRACES_MAX, lost_one, &w, 0);
}

/* Bytes waiting in the ring, for the pressure test and the wakeup decision. */
static __always_inline __u64 ring_avail(void)
{
	return bpf_ringbuf_query(&sct_events, BPF_RB_AVAIL_DATA);
}

/*
 * The traces of a call or event that may get a record at all: running and not paused (a paused
 * trace's record is counted lost here, before anything is assembled for it).
 */
static __always_inline __u64 admit_traces(__u64 traces)
{
	__u64 t = traces & sct_ctl.active;
	__u64 paused = t & sct_ctl.paused;

	if (paused) {
		count_lost(paused, SCT_LOSS_PAUSED);
		t &= ~paused;
	}
	return t;
}

static long charge_one(__u64 i, void *data)
{
	struct sct_mask_walk *w = data;

	if (i >= SCT_TRACES_MAX || !(w->traces >> i))
		return 1;
	if (!((w->traces >> i) & 1))
		return 0;
	if (__sync_fetch_and_add(&sct_ctl.used[i], w->size) + w->size > sct_ctl.budget[i]) {
		__sync_fetch_and_add(&sct_ctl.used[i], -(__s64)w->size);
		w->out &= ~(1ull << i);
		__sync_fetch_and_add(&sct_ctl.lost[i][SCT_LOSS_BUDGET], 1);
	}
	return 0;
}

static long uncharge_one(__u64 i, void *data)
{
	struct sct_mask_walk *w = data;

	if (i >= SCT_TRACES_MAX || !(w->traces >> i))
		return 1;
	if ((w->traces >> i) & 1)
		__sync_fetch_and_add(&sct_ctl.used[i], -(__s64)w->size);
	return 0;
}

/*
 * Under pressure (more than pressure_bytes waiting), charges a record of `size` bytes to each of
 * its traces and keeps those still within their budget; the others lose it (SCT_LOSS_BUDGET).
 * Sets SCT_F_CHARGED in *hflags when it charged. Below the threshold this is one comparison:
 * isolation costs nothing until the ring fills.
 */
static __always_inline __u64 charge_traces(__u64 traces, __u32 size, __u64 avail, __u32 *hflags)
{
	__u64 limit = sct_ctl.pressure_bytes;
	struct sct_mask_walk w = { .traces = traces, .out = traces, .size = size + SCT_CHARGE_OVERHEAD };

	if (!limit || avail < limit)
		return traces;
	bpf_loop(SCT_TRACES_MAX, charge_one, &w, 0);
	*hflags |= SCT_F_CHARGED;
	return w.out;
}

/* A charged record did not make it into the ring after all: its traces get the bytes back. */
static __always_inline void uncharge_traces(__u64 traces, __u32 size, __u32 hflags)
{
	struct sct_mask_walk w = { .traces = traces, .size = size + SCT_CHARGE_OVERHEAD };

	if (hflags & SCT_F_CHARGED)
		bpf_loop(SCT_TRACES_MAX, uncharge_one, &w, 0);
}

/* Submit flags for a record of `size` bytes with `avail` bytes already waiting. */
static __always_inline __u64 wake_flags(__u32 size, __u64 avail)
{
	/*
	 * Wake the consumer when this record carries the backlog across wakeup_bytes, not for every
	 * record above it: with "avail >= wakeup_bytes" each record of a burst raises another IRQ
	 * work (measured: 191k wakeups and 4.0 us per traced getppid instead of 0.7 us, with a
	 * 64 KiB threshold and a 5 ms drain timer; docs/kernel-costs.md). Racing CPUs may both wake
	 * (harmless) or both miss the crossing; the drain timer covers that. wakeup_bytes 0 wakes
	 * when the ring turns non-empty, like the kernel's adaptive mode.
	 */
	if (avail <= wakeup_bytes && avail + size + BPF_RINGBUF_HDR_SZ > wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

/* Copies an assembled record (its header filled in: traces, flags) into the ring. */
static __always_inline void submit(void *rec, __u32 size, __u64 avail)
{
	const struct sct_header *h = rec;

	if (bpf_ringbuf_output(&sct_events, rec, size, wake_flags(size, avail))) {
		uncharge_traces(h->traces, size, h->flags);
		count_lost(h->traces, SCT_LOSS_RING);
	}
}

/* Scratch records: the size mask only restates for the verifier that the record fits the buffer. */
static __always_inline void submit_scratch(__u8 *buf, __u32 size, __u64 avail)
{
	submit(buf, size & (SCT_SCRATCH_BYTES - 1), avail);
}

static __always_inline __u8 *scratch(__u32 slot)
{
	__u32 key = bpf_get_smp_processor_id() * SCT_SCRATCH_SLOTS + slot;

	return bpf_map_lookup_elem(&sct_scratch, &key);
}

#endif /* SCT_LIB_RING_H */
