/**
 * strace's syscall classes (`-e trace=%file` and friends) for x86_64, as strace 6.1 defines them.
 *
 * Origin: derived from the class flags of each entry in strace v6.1's
 * src/linux/x86_64/syscallent.h and src/linux/generic/syscallent-common.h (numbers 424-450), with
 * the flag meanings of src/sysent_shorthand_defs.h; each list below holds the names whose entry
 * carries that flag. Names that are not syscalls of the running architecture are ignored when the
 * catalog resolves a class, so the lists can hold names a given kernel lacks. Syscalls newer than
 * strace 6.1 (cachestat, fchmodat2, ...) are not listed: add them here, following the flag they
 * have in later strace releases, once the headers name them.
 */

/** Splits a whitespace-separated list; keeps the data below readable. */
function words(text: string): readonly string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

/** Class name (with its leading %) to member syscall names. */
export const SYSCALL_CLASSES: Readonly<Record<string, readonly string[]>> = {
  /** TF (TRACE_FILE): takes a file name. */
  '%file': words(`
    access acct chdir chmod chown chroot creat execve execveat faccessat faccessat2
    fanotify_mark fchmodat fchownat fsconfig fspick futimesat getcwd getxattr inotify_add_watch
    lchown lgetxattr link linkat listxattr llistxattr lremovexattr lsetxattr lstat mkdir mkdirat
    mknod mknodat mount mount_setattr move_mount name_to_handle_at newfstatat open open_tree
    openat openat2 pivot_root quotactl readlink readlinkat removexattr rename renameat renameat2
    rmdir setxattr stat statfs statx swapoff swapon symlink symlinkat truncate umount2 unlink
    unlinkat uselib utime utimensat utimes
  `),
  /** TP (TRACE_PROCESS): process lifecycle: creation, exec, exit, wait, signalling a process. */
  '%process': words(`
    clone clone3 execve execveat exit exit_group fork kill pidfd_send_signal rt_sigqueueinfo
    rt_tgsigqueueinfo tgkill tkill vfork wait4 waitid
  `),
  /** TN (TRACE_NETWORK): sockets. */
  '%network': words(`
    accept accept4 bind connect getpeername getpmsg getsockname getsockopt listen putpmsg
    recvfrom recvmmsg recvmsg sendfile sendmmsg sendmsg sendto setsockopt shutdown socket
    socketpair
  `),
  /** TS (TRACE_SIGNAL): signal handling and delivery. */
  '%signal': words(`
    io_uring_enter kill pause pidfd_send_signal rt_sigaction rt_sigpending rt_sigprocmask
    rt_sigqueueinfo rt_sigreturn rt_sigsuspend rt_sigtimedwait rt_tgsigqueueinfo sigaltstack
    signalfd signalfd4 tgkill tkill
  `),
  /** TI (TRACE_IPC): System V IPC. */
  '%ipc': words(`
    msgctl msgget msgrcv msgsnd semctl semget semop semtimedop shmat shmctl shmdt shmget
  `),
  /** TD (TRACE_DESC): takes or returns a file descriptor. */
  '%desc': words(`
    bpf close copy_file_range creat dup dup2 dup3 epoll_create epoll_create1 epoll_ctl
    epoll_pwait epoll_pwait2 epoll_wait eventfd eventfd2 execveat faccessat faccessat2 fadvise64
    fallocate fanotify_init fanotify_mark fchdir fchmod fchmodat fchown fchownat fcntl fdatasync
    fgetxattr finit_module flistxattr flock fremovexattr fsconfig fsetxattr fsmount fsopen
    fspick fstat fstatfs fsync ftruncate futimesat getdents getdents64 inotify_add_watch
    inotify_init inotify_init1 inotify_rm_watch io_uring_enter io_uring_register io_uring_setup
    ioctl kexec_file_load landlock_add_rule landlock_create_ruleset landlock_restrict_self
    linkat lseek memfd_create memfd_secret mkdirat mknodat mmap mount_setattr move_mount
    mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedsend name_to_handle_at newfstatat
    open open_by_handle_at open_tree openat openat2 perf_event_open pidfd_getfd pidfd_open
    pidfd_send_signal pipe pipe2 poll ppoll pread64 preadv preadv2 process_madvise
    process_mrelease pselect6 pwrite64 pwritev pwritev2 quotactl_fd read readahead readlinkat
    readv renameat renameat2 select sendfile setns signalfd signalfd4 splice statx symlinkat
    sync_file_range syncfs tee timerfd_create timerfd_gettime timerfd_settime unlinkat
    userfaultfd utimensat vmsplice write writev
  `),
  /** TM (TRACE_MEMORY): memory mapping. */
  '%memory': words(`
    brk get_mempolicy io_destroy io_setup io_uring_register madvise mbind migrate_pages mincore
    mlock mlock2 mlockall mmap move_pages mprotect mremap msync munlock munlockall munmap
    pkey_mprotect remap_file_pages set_mempolicy set_mempolicy_home_node shmat shmdt
  `),
  /** TC (TRACE_CREDS): reads or changes user/group ids and capabilities. */
  '%creds': words(`
    capget capset getegid geteuid getgid getgroups getresgid getresuid getuid prctl setfsgid
    setfsuid setgid setgroups setregid setresgid setresuid setreuid setuid
  `),
  /** TCL (TRACE_CLOCK): reads or changes the system clock. */
  '%clock': words(`
    adjtimex clock_adjtime clock_getres clock_gettime clock_settime gettimeofday settimeofday
    time
  `),
  /** PU (TRACE_PURE): takes no arguments, never fails, always succeeds with the same result. */
  '%pure': words(`
    getegid geteuid getgid getpgrp getpid getppid gettid getuid
  `),
  /** TST (TRACE_STAT): the stat variant. */
  '%stat': words(`
    stat
  `),
  /** TLST (TRACE_LSTAT): the lstat variant. */
  '%lstat': words(`
    lstat
  `),
  /** TFST (TRACE_FSTAT): stat of a descriptor or dirfd-relative path. */
  '%fstat': words(`
    fstat newfstatat statx
  `),
  /** TSTA (TRACE_STAT_LIKE): every stat variant. */
  '%%stat': words(`
    fstat lstat newfstatat stat statx
  `),
  /** TSF (TRACE_STATFS): the statfs variant. */
  '%statfs': words(`
    statfs
  `),
  /** TFSF (TRACE_FSTATFS): the fstatfs variant. */
  '%fstatfs': words(`
    fstatfs
  `),
  /** TSFA (TRACE_STATFS_LIKE): every statfs variant. */
  '%%statfs': words(`
    fstatfs statfs ustat
  `),
};

/** Other spellings strace accepts for a class. */
export const CLASS_ALIASES: Readonly<Record<string, string>> = {
  '%net': '%network',
};

/** The canonical class name for a class or alias, or undefined when it names no class. */
export function canonicalClass(name: string): string | undefined {
  const canonical = CLASS_ALIASES[name] ?? name;
  return Object.prototype.hasOwnProperty.call(SYSCALL_CLASSES, canonical) ? canonical : undefined;
}
