/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The maps and globals of sctrace's one kernel pass. Configuration that never changes while the
 * object is loaded is `const volatile` (constants to the verifier); what changes as traces come
 * and go lives in the control block (struct sct_control in ../shared/sctrace_event.h), a .bss
 * global user space maps and writes. The record assembly buffers and the in-flight and parked
 * structs are those of ../shared/sctrace_kernel.h, shared with the module.
 */
#ifndef SCT_LIB_MAPS_H
#define SCT_LIB_MAPS_H

/* Set by src/backends/ebpf/kernel-pass.ts before load. */
const volatile __u32 self_tgid = 0;
const volatile __u64 wakeup_bytes = 1 << 20;

/* The control block: masks, budgets, per-trace losses, per-syscall trace masks. */
struct sct_control sct_ctl SEC(".bss");

/*
 * Scratch slots per CPU, one per program that assembles records in sct_scratch; the loader sizes
 * the map ncpus * SCT_SCRATCH_SLOTS (an enumerator, so the TypeScript side gets it from the BTF).
 */
enum sct_scratch_slot {
	SCT_SLOT_SYS_ENTER = 0, /* enter-time strings, before they are parked in sct_enter_strs */
	SCT_SLOT_SYS_EXIT = 1,  /* syscall records */
	SCT_SLOT_PROC_EXIT = 2, /* NO_RETURN syscall records of dying threads */
	SCT_SLOT_PROC_EXEC = 3, /* exec records */
	SCT_SCRATCH_SLOTS = 4,
};

/*
 * The scratch buffer is typed as "room for any record", which also puts every record struct in
 * the object's BTF, where scripts/gen-bpf-types.js and test/contract find them; the enums of
 * the contract ride along for the same reason.
 */
union sct_scratch_buf {
	struct sct_header hdr;
	struct sct_syscall syscall;
	struct sct_exec exec;
	struct sct_fork fork;
	struct sct_exit exit;
	struct sct_thread_exit thread_exit;
	struct sct_switch sched_switch;
	struct sct_signal signal;
	struct sct_blob str;
	struct {
		enum sct_limits limits;
		enum sct_kind kind;
		enum sct_header_flags header_flags;
		enum sct_blob_flags str_flags;
		enum sct_blob_kind blob_kind;
		enum sct_switch_state switch_state;
		enum sct_switch_flags switch_flags;
		enum sct_signal_limits signal_limits;
		enum sct_signal_flags signal_flags;
		enum sct_read_kind read_kind;
		enum sct_read_len read_len;
		enum sct_read_flags read_flags;
		enum sct_attach_mode attach_mode;
		enum sct_loss loss;
		enum sct_charge charge;
		enum sct_scratch_slot scratch_slot;
		enum sct_enter enter;
		enum sct_derived derived;
	} btf_enums;
	struct sct_ioctl_size ioctl_size;
	__u8 bytes[SCT_SCRATCH_BYTES];
};

/* The one ring of the service; every record names its traces (sct_header.traces). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 24); /* the loader sets the ring size */
} sct_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	/* The loader sets ncpus * SCT_SCRATCH_SLOTS; a missing slot costs the record (counted). */
	__uint(max_entries, SCT_SCRATCH_SLOTS);
	__type(key, __u32);
	__type(value, union sct_scratch_buf);
} sct_scratch SEC(".maps");

/* What to read per syscall number, whichever trace wants it; filled once after load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCT_NR_MAX);
	__type(key, __u32);
	__type(value, struct sct_syscall_meta);
} sct_syscall_tab SEC(".maps");

/* sct_prepare_exec's assembly buffer (one per CPU; the program does not nest on a CPU). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, union sct_scratch_buf);
} sct_exec_scratch SEC(".maps");

/* The ioctl size table (struct sct_ioctl_size), by request; filled once after load. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, SCT_IOCTL_SIZES_MAX);
	__type(key, __u32);
	__type(value, struct sct_ioctl_size);
} sct_ioctl_sizes SEC(".maps");

/* Extra reads per syscall number, for the syscalls whose sct_syscall_meta.reads is set. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCT_NR_MAX);
	__type(key, __u32);
	__type(value, struct sct_syscall_reads);
} sct_syscall_reads SEC(".maps");

/*
 * Filter maps: a value → the traces whose filter lists it. The tgid map holds the traces' pids
 * (written by user space) and the children they follow (added at fork, by the programs only for
 * tgids that are new), and loses a tgid when its process ends.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, __u64);
} sct_tgids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, char[SCT_COMM_LEN]);
	__type(value, __u64);
} sct_comms SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} sct_uids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u64);
} sct_cgroups SEC(".maps");

/*
 * The last pid verdict of this CPU (see pid_traces in task.h): `key` is tgid << 32 | pid_gen,
 * written after `traces`; readers check it before and after reading `traces`.
 */
struct sct_pid_cache {
	__u64 key;
	__u64 traces;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct sct_pid_cache);
} sct_pid_cache SEC(".maps");

/*
 * Losses of records for several traces, one entry per trace mask that lost any: one update per
 * dropped record whatever the number of traces (user space adds each count to every trace of
 * the mask). When it is full, losses are counted per trace instead (a loop over the mask).
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, struct sct_mask_loss);
} sct_lost_masks SEC(".maps");

/* Allocated at a thread's first traced call, reused for its later ones, freed with the thread. */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sct_inflight);
} sct_inflight SEC(".maps");

/*
 * Parked entry-time blobs by tid: threads inside an execve/execveat (for the length of the
 * call), and inside a call whose entry values are read (select, pselect6, ppoll, sendfile,
 * splice, copy_file_range, an ioctl whose argument is read and written), which may block for
 * long. Allocated on demand (an entry is about 20 KiB, so 1024 preallocated would pin 20 MiB);
 * when the table is full the strings are read at exit instead (fine for a failed exec,
 * UNREADABLE after a successful one) and the entry values are missing.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32); /* tid */
	__type(value, struct sct_enter_strs);
} sct_enter_strs SEC(".maps");

#endif /* SCT_LIB_MAPS_H */
