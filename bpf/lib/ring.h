/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Getting records into the shared ring: which of a record's traces get it (admission: running,
 * not paused, within budget under pressure), when to wake the consumer, and per-trace loss
 * counting wherever a record is dropped. Nothing is dropped without a count.
 */
#ifndef SCT_LIB_RING_H
#define SCT_LIB_RING_H

/* One walk over the traces of a mask (bpf_loop callback lost_one: the verifier checks it once). */
struct sct_mask_walk {
	__u64 traces;
	__u32 cause; /* enum sct_loss */
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

/*
 * Counts one loss of `cause` for a record for `traces`: in the trace's own counter when it is
 * one trace, else once in the mask's entry of sct_lost_masks (or per trace when that is full).
 */
static __always_inline void count_lost(__u64 traces, enum sct_loss cause)
{
	struct sct_mask_loss zero = {}, *v;
	struct sct_mask_walk w = { .traces = traces, .cause = cause };

	if (!traces || cause >= SCT_LOSS_KINDS)
		return;
	if (!(traces & (traces - 1))) {
		__sync_fetch_and_add(&sct_ctl.lost[sct_first_slot(traces)][cause], 1);
		return;
	}
	v = bpf_map_lookup_elem(&sct_lost_masks, &traces);
	if (!v) {
		bpf_map_update_elem(&sct_lost_masks, &traces, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&sct_lost_masks, &traces);
	}
	if (v)
		__sync_fetch_and_add(&v->lost[cause], 1);
	else
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

/*
 * Under pressure (more than pressure_bytes waiting), charges a record of `size` bytes to its
 * first trace's budget; a record that does not fit is lost by all its traces (SCT_LOSS_BUDGET).
 * Sets SCT_F_CHARGED in *hflags when it charged. Below the threshold this is one comparison:
 * isolation costs nothing until the ring fills, and one charge above it however many traces
 * want the record.
 */
static __always_inline __u64 charge_traces(__u64 traces, __u32 size, __u64 avail, __u32 *hflags)
{
	__u64 limit = sct_ctl.pressure_bytes, cost = size + SCT_CHARGE_OVERHEAD;
	__u32 slot;

	if (!limit || avail < limit || !traces)
		return traces;
	slot = sct_first_slot(traces);
	if (__sync_fetch_and_add(&sct_ctl.used[slot], cost) + cost > sct_ctl.budget[slot]) {
		__sync_fetch_and_add(&sct_ctl.used[slot], -(__s64)cost);
		count_lost(traces, SCT_LOSS_BUDGET);
		return 0;
	}
	*hflags |= SCT_F_CHARGED;
	return traces;
}

/* A charged record did not make it into the ring after all: its first trace gets the bytes back. */
static __always_inline void uncharge_traces(__u64 traces, __u32 size, __u32 hflags)
{
	if ((hflags & SCT_F_CHARGED) && traces)
		__sync_fetch_and_add(&sct_ctl.used[sct_first_slot(traces)], -(__s64)(size + SCT_CHARGE_OVERHEAD));
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
