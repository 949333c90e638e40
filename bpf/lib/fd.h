/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What an fd of the current task is, read with CO-RE through task->files->fdt (what
 * ../shared/sctrace_blobs.h asks as sct_fd_netlink_protocol; the module answers it with
 * files_lookup_fd_rcu and sock_from_file).
 */
#ifndef SCT_LIB_FD_H
#define SCT_LIB_FD_H

/* include/uapi/linux/stat.h and include/linux/socket.h: macros, so not in vmlinux.h. */
#define SCT_S_IFMT 0170000
#define SCT_S_IFSOCK 0140000
#define SCT_AF_NETLINK 16

/*
 * The protocol (sk_protocol, NETLINK_*) of fd of the current task when it is an AF_NETLINK
 * socket; -1 when it is not, or anything is unreadable.
 */
static __always_inline int sct_fd_netlink_protocol(__u64 fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *file = NULL;
	struct socket *sock;
	struct sock *sk;

	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return -1;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_core_read(&file, sizeof(file), &fds[fd]) || !file)
		return -1;
	if ((BPF_CORE_READ(file, f_inode, i_mode) & SCT_S_IFMT) != SCT_S_IFSOCK)
		return -1;
	sock = BPF_CORE_READ(file, private_data);
	sk = sock ? BPF_CORE_READ(sock, sk) : NULL;
	if (!sk || BPF_CORE_READ(sk, __sk_common.skc_family) != SCT_AF_NETLINK)
		return -1;
	return BPF_CORE_READ(sk, sk_protocol);
}

#endif /* SCT_LIB_FD_H */
