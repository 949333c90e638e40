/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Which of a record's traces get it into the one shared ring, written once for the eBPF programs
 * and the kernel module: running and not paused (admission), within its budget while the ring is
 * under pressure (isolation: a trace whose workload floods uses up its own share and never the
 * others'), and a count, by cause, of every record a trace loses (struct sct_control.lost, or once
 * by trace mask for a record of several). Nothing is dropped without a count.
 *
 * Include after sctrace_event.h and sctrace_masks.h (sct_first_slot), with a `struct
 * sct_control sct_ctl` in scope, having defined SCT_INLINE and SCT_LOOP (see sctrace_blobs.h) and
 *
 *   bool sct_count_lost_mask(traces, cause)   counts one loss of a record for several traces
 *                                             once by its trace mask (eBPF: sct_lost_masks);
 *                                             false to have it counted in each trace's counter
 *
 * A record charged to a budget costs SCT_CHARGE_OVERHEAD bytes beyond its size on either side (the
 * eBPF ring's record header), so the consumer credits the same amount back whichever kernel side
 * wrote it.
 */
#ifndef SCTRACE_ADMIT_H
#define SCTRACE_ADMIT_H

/* One walk over the traces of a mask (SCT_LOOP callback sct_lost_one: the verifier checks it once). */
struct sct_mask_walk {
	__u64 traces;
	__u32 cause; /* enum sct_loss */
};

static long sct_lost_one(__u64 i, void *data)
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
 * one trace, else once by trace mask where the includer keeps such counts
 * (sct_count_lost_mask), else in each trace's counter.
 */
static SCT_INLINE void sct_count_lost(__u64 traces, enum sct_loss cause)
{
	struct sct_mask_walk w = { .traces = traces, .cause = cause };

	if (!traces || cause >= SCT_LOSS_KINDS)
		return;
	if (!(traces & (traces - 1))) {
		__sync_fetch_and_add(&sct_ctl.lost[sct_first_slot(traces)][cause], 1);
		return;
	}
	if (!sct_count_lost_mask(traces, cause))
		SCT_LOOP(SCT_TRACES_MAX, sct_lost_one, &w);
}

/*
 * The traces of a call or event that may get a record at all: running and not paused (a paused
 * trace's record is counted lost here, before anything is assembled for it).
 */
static SCT_INLINE __u64 sct_admit_traces(__u64 traces)
{
	__u64 t = traces & sct_ctl.active;
	__u64 paused = t & sct_ctl.paused;

	if (paused) {
		sct_count_lost(paused, SCT_LOSS_PAUSED);
		t &= ~paused;
	}
	return t;
}

/*
 * Under pressure (more than pressure_bytes waiting in the ring: `avail`), charges a record of
 * `size` bytes to its first trace's budget (the lowest slot: one charge however many traces
 * share the record); a record that does not fit is lost by all its traces (SCT_LOSS_BUDGET).
 * Sets SCT_F_CHARGED in *hflags when it charged: the consumer credits the bytes back as it reads
 * the record. Below the threshold this is one comparison: isolation costs nothing until the ring
 * fills.
 */
static SCT_INLINE __u64 sct_charge_traces(__u64 traces, __u32 size, __u64 avail, __u32 *hflags)
{
	__u64 limit = sct_ctl.pressure_bytes, cost = size + SCT_CHARGE_OVERHEAD;
	__u32 slot;

	if (!limit || avail < limit || !traces)
		return traces;
	slot = sct_first_slot(traces);
	if (__sync_fetch_and_add(&sct_ctl.used[slot], cost) + cost > sct_ctl.budget[slot]) {
		__sync_fetch_and_add(&sct_ctl.used[slot], -(__s64)cost);
		sct_count_lost(traces, SCT_LOSS_BUDGET);
		return 0;
	}
	*hflags |= SCT_F_CHARGED;
	return traces;
}

/* A charged record did not make it into the ring after all: its first trace gets the bytes back. */
static SCT_INLINE void sct_uncharge_traces(__u64 traces, __u32 size, __u32 hflags)
{
	if ((hflags & SCT_F_CHARGED) && traces)
		__sync_fetch_and_add(&sct_ctl.used[sct_first_slot(traces)], -(__s64)(size + SCT_CHARGE_OVERHEAD));
}

#endif /* SCTRACE_ADMIT_H */
