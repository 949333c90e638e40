/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Getting records into the shared ring: which of a record's traces get it (admission: running,
 * not paused, within budget under pressure; ../shared/sctrace_admit.h, shared with the module),
 * when to wake the consumer, and loss counting wherever a record is dropped (per trace, or once
 * by trace mask for a record of several). Nothing is dropped without a count.
 */
#ifndef SCT_LIB_RING_H
#define SCT_LIB_RING_H

/*
 * Counts one loss of `cause` for a record for several `traces` once, in the mask's entry of
 * sct_lost_masks (user space adds it to each trace of the mask); false when the table is full
 * (sctrace_admit.h then counts it per trace).
 */
static __always_inline bool sct_count_lost_mask(__u64 traces, enum sct_loss cause)
{
	struct sct_mask_loss zero = {}, *v;

	v = bpf_map_lookup_elem(&sct_lost_masks, &traces);
	if (!v) {
		bpf_map_update_elem(&sct_lost_masks, &traces, &zero, BPF_NOEXIST);
		v = bpf_map_lookup_elem(&sct_lost_masks, &traces);
	}
	if (!v)
		return false;
	__sync_fetch_and_add(&v->lost[cause], 1);
	return true;
}

#include "sctrace_admit.h"

/* Bytes waiting in the ring, for the pressure test and the wakeup decision. */
static __always_inline __u64 ring_avail(void)
{
	return bpf_ringbuf_query(&sct_events, BPF_RB_AVAIL_DATA);
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
		sct_uncharge_traces(h->traces, size, h->flags);
		sct_count_lost(h->traces, SCT_LOSS_RING);
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
