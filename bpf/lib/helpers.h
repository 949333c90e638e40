/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The eBPF side's answers to what the kernel code shared with the module asks for
 * (../shared/sctrace_masks.h, sctrace_admit.h, sctrace_blobs.h, sctrace_task.h): how user and kernel memory are
 * read (probe-read helpers), how a loop runs (bpf_loop, so the verifier checks a body once), and
 * the spellings that keep the verifier's bounds (the module defines these as plain C).
 */
#ifndef SCT_LIB_HELPERS_H
#define SCT_LIB_HELPERS_H

#define SCT_INLINE __always_inline
#define SCT_READ_ONCE(x) (*(volatile typeof(x) *)&(x))
#define SCT_WRITE_ONCE(x, v) (*(volatile typeof(x) *)&(x) = (v))

#define sct_read_user(dst, n, uaddr) bpf_probe_read_user((dst), (n), (const void *)(uaddr))
#define sct_read_user_str(dst, n, uaddr) bpf_probe_read_user_str((dst), (n), (const void *)(uaddr))
#define sct_read_kernel_str(dst, n, ptr) bpf_probe_read_kernel_str((dst), (n), (const void *)(ptr))
#define sct_copy_kernel(dst, n, src) bpf_probe_read_kernel((dst), (n), (src))
#define SCT_LOOP(n, fn, ctx) bpf_loop((n), (fn), (ctx), 0)
#define SCT_UNROLL _Pragma("unroll")
#define sct_now() bpf_ktime_get_ns()
#define sct_barrier_var(var) barrier_var(var)
/* Fields of any task and of its signal_struct (sctrace_task.h): CO-RE reads. */
#define sct_task_read(t, field) BPF_CORE_READ((t), field)
#define sct_signal_read(s, field) BPF_CORE_READ((s), field)
/* x86_64's pages (the only architecture the programs are built for, -D__TARGET_ARCH_x86). */
#define SCT_PAGE_KB 4
/* The user stack pointer at syscall entry, and where the signal frame keeps its mask (sctrace_signal.h). */
#define sct_user_sp() BPF_CORE_READ((struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf()), sp)
#define SCT_SIGFRAME_MASK_OFF bpf_core_field_offset(struct rt_sigframe, uc.uc_sigmask)
/* The extra reads of a syscall number (the map is in maps.h). */
#define sct_syscall_reads_of(nr) ((const struct sct_syscall_reads *)bpf_map_lookup_elem(&sct_syscall_reads, &(nr)))
/* The ioctl size table's entry of a request (the map is in maps.h). */
#define sct_ioctl_size_of(req) ((const struct sct_ioctl_size *)bpf_map_lookup_elem(&sct_ioctl_sizes, &(req)))

/*
 * var = min(var, max) in a form the verifier tracks: clang otherwise drops a clamp it can prove
 * redundant from the contract (sct_read.max <= SCT_STR_MAX), or turns it into a select whose
 * bound the verifier does not see.
 */
#define sct_clamp_max(var, max) asm volatile("if %0 <= %1 goto +1; %0 = %1" : "+r"(var) : "i"(max))

/*
 * Returns v by way of the u32 at word (scratch memory whose content does not matter then), which
 * the verifier sees as a value it knows nothing about (see struct sct_reads_walk).
 */
static __always_inline __u32 sct_forget(__u32 *word, __u32 v)
{
	*(volatile __u32 *)word = v;
	return *(volatile __u32 *)word;
}

#endif /* SCT_LIB_HELPERS_H */
