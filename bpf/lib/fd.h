/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What an fd of the current task is, read with CO-RE through task->files->fdt (what
 * ../shared/sctrace_blobs.h asks as sct_fd_is_netlink; the module answers it with
 * files_lookup_fd_rcu and sock_from_file).
 */
#ifndef SCT_LIB_FD_H
#define SCT_LIB_FD_H

/* include/uapi/linux/stat.h and include/linux/socket.h: macros, so not in vmlinux.h. */
#define SCT_S_IFMT 0170000
#define SCT_S_IFSOCK 0140000
#define SCT_AF_NETLINK 16

/* Whether fd is an AF_NETLINK socket of the current task; false when anything is unreadable. */
static __always_inline bool sct_fd_is_netlink(__u64 fd)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file **fds, *file = NULL;
	struct socket *sock;

	if (!fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return false;
	fds = BPF_CORE_READ(fdt, fd);
	if (bpf_core_read(&file, sizeof(file), &fds[fd]) || !file)
		return false;
	if ((BPF_CORE_READ(file, f_inode, i_mode) & SCT_S_IFMT) != SCT_S_IFSOCK)
		return false;
	sock = BPF_CORE_READ(file, private_data);
	return sock && BPF_CORE_READ(sock, sk, __sk_common.skc_family) == SCT_AF_NETLINK;
}

#endif /* SCT_LIB_FD_H */
