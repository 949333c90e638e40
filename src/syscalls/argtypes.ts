/**
 * What an argument's C type (as tracefs spells it) means for decoding: whether the kernel side
 * should read it as a string, whether it is signed, and how many bits of the register the kernel
 * actually uses.
 */

/**
 * How decode() turns a register into SyscallArg.value. A plain object rather than a const enum
 * so the module also works under single-file transpilers (isolatedModules).
 */
export const ValueKind = {
  /** A string read by the kernel side (SyscallArg.str). */
  Str: 0,
  /** 32-bit signed (int, pid_t, ...): the kernel ignores the register's upper half. */
  Int32: 1,
  /** 64-bit signed (long, loff_t). */
  Int64: 2,
  /** 16-bit unsigned (umode_t). */
  Uint16: 3,
  /** 32-bit unsigned (unsigned int, uid_t, u32). */
  Uint32: 4,
  /** 64-bit unsigned: unsigned long, size_t, every pointer, and any type not listed here. */
  Uint64: 5,
} as const;

/** One of the ValueKind values. */
export type ValueKind = (typeof ValueKind)[keyof typeof ValueKind];

/** Integer typedefs of x86_64 and arm64 (both LP64) by kind; `const` is stripped first. */
const INTEGER_KINDS: ReadonlyMap<string, ValueKind> = new Map([
  ...['int', 'signed int', 'pid_t', 'clockid_t', 'timer_t', 'mqd_t', 'key_t', 'key_serial_t', '__s32', 's32', 'rwf_t'].map(
    (t) => [t, ValueKind.Int32] as const,
  ),
  ...['long', 'long int', 'off_t', 'loff_t', '__s64', 's64', 'long long'].map((t) => [t, ValueKind.Int64] as const),
  ...['umode_t', 'unsigned short', 'u16', '__u16'].map((t) => [t, ValueKind.Uint16] as const),
  ...['unsigned', 'unsigned int', 'u32', '__u32', 'uid_t', 'gid_t', 'qid_t'].map((t) => [t, ValueKind.Uint32] as const),
]);

/** The numeric kind of a C type; pointers and unknown types are 64-bit unsigned. */
export function integerKind(type: string): ValueKind {
  if (type.includes('*')) return ValueKind.Uint64;
  const bare = type.replace(/\bconst\b/g, '').replace(/\s+/g, ' ').trim();
  // C enums have int's size and signedness on these ABIs (landlock_add_rule's rule_type).
  if (bare.startsWith('enum ')) return ValueKind.Int32;
  return INTEGER_KINDS.get(bare) ?? ValueKind.Uint64;
}

/** Whether a C type is a signed integer (SyscallArgInfo.signed). */
export function isSignedType(type: string): boolean {
  const kind = integerKind(type);
  return kind === ValueKind.Int32 || kind === ValueKind.Int64;
}

/**
 * `char *` arguments that are not NUL-terminated input strings, by argument name. The kernel
 * names its byte buffers consistently, so one list covers every syscall that has them:
 *   buf, ubuf      read/pread64/readlink/readlinkat/getcwd/syslog/getrandom fill them (output);
 *                  write/pwrite64 take a length-counted byte buffer that need not hold a NUL.
 *   list           listxattr family: output buffer of NUL-separated names.
 *   optval         getsockopt/setsockopt: opaque option bytes with an explicit length.
 *   u_msg_ptr      mq_timedsend/mq_timedreceive: message bytes with an explicit length.
 *   shmaddr        shmat/shmdt: an address, typed char * by history.
 * Reading any of them as a string would copy arbitrary (possibly secret) bytes into events and
 * waste the string budget.
 */
const NOT_STRING_ARG_NAMES: ReadonlySet<string> = new Set(['buf', 'ubuf', 'list', 'optval', 'u_msg_ptr', 'shmaddr']);

/**
 * Exceptions that need the syscall too: sethostname/setdomainname take `char *name` with a
 * length and copy exactly that many bytes, so the name is not NUL-terminated in user memory and
 * a string read would run past it. kexec_file_load's cmdline is cmdline_len bytes, its NUL included,
 * which strace prints whole (printstrn).
 */
const NOT_STRING_ARGS: ReadonlySet<string> = new Set(['sethostname.name', 'setdomainname.name', 'kexec_file_load.cmdline_ptr']);

/**
 * Arguments not typed as strings that strace prints as strings for some calls: mount's data (a
 * filesystem's option string), fsconfig's value (FSCONFIG_SET_STRING's string, SET_PATH's path),
 * keyctl's arg2..arg4 (the strings JOIN_SESSION_KEYRING, SEARCH, RESTRICT_KEYRING and the
 * PKEY commands take), reboot's arg (LINUX_REBOOT_CMD_RESTART2's command) and quotactl's addr
 * (Q_QUOTAON's quota file path, also quotactl_fd's). The decoders (mount.ts, keys.ts) show the address or the number for the
 * commands that take none; a string read of a register holding a number fails harmlessly.
 */
// fsconfig's value is read as a path (whole): decoders/mount.ts cuts FSCONFIG_SET_STRING's at -s.
const VOID_STRING_ARGS: ReadonlySet<string> = new Set(['mount.data', 'fsconfig._value', 'keyctl.arg2', 'keyctl.arg3', 'keyctl.arg4', 'reboot.arg', 'quotactl.addr', 'quotactl_fd.addr']);

/**
 * The string-argument rule: an argument is a user-space NUL-terminated input string when its
 * type is exactly `const char *` or `char *` (not `const char *const *` arrays such as execve's
 * argv, which the exec record carries, and not `unsigned char *`), and it is not one of the
 * buffers above. On Linux 6.18 x86_64 this selects every path (filename, pathname, oldname,
 * newname, path, specialfile, ...), xattr names, mount's dev/dir/type, mq and memfd names, key
 * types and descriptions, fsopen/fsconfig names.
 */
export function isStringArg(syscall: string, argName: string, type: string): boolean {
  if (VOID_STRING_ARGS.has(`${syscall}.${argName}`)) return true;
  if (type !== 'const char *' && type !== 'char *') return false;
  return !NOT_STRING_ARG_NAMES.has(argName) && !NOT_STRING_ARGS.has(`${syscall}.${argName}`);
}

/** Syscalls that replace the address space, so their strings are gone at exit. */
const READ_STRINGS_AT_ENTRY: ReadonlySet<string> = new Set(['execve', 'execveat']);

/** SyscallInfo.readStringsAtEntry for a syscall name. */
export function readsStringsAtEntry(syscall: string): boolean {
  return READ_STRINGS_AT_ENTRY.has(syscall);
}

/**
 * String arguments that are not paths, "syscall.arg": strace prints them with printstr, cut at
 * -s. Every other string argument is a path (filename, pathname, oldname, mount's dev_name and
 * dir_name, move_mount's from_pathname, mq_open's u_name, ...), which strace prints whole with
 * printpath, so the kernel side reads it up to PATH_MAX instead of string_max
 * (SyscallArgInfo.isPath). Names of extended attributes, key types and descriptions,
 * filesystem type and parameter names, memfd names, module parameters and names.
 */
const NOT_PATH_STRINGS: ReadonlySet<string> = new Set([
  ...['setxattr', 'lsetxattr', 'fsetxattr', 'getxattr', 'lgetxattr', 'fgetxattr', 'removexattr', 'lremovexattr', 'fremovexattr',
    'setxattrat', 'getxattrat', 'removexattrat'].map((s) => `${s}.name`),
  'add_key._type', 'add_key._description', 'request_key._type', 'request_key._description', 'request_key._callout_info',
  'mount.type', 'mount.data', 'fsconfig._key', 'keyctl.arg2', 'keyctl.arg3', 'keyctl.arg4', 'fsopen._fs_name', 'memfd_create.uname',
  'init_module.uargs', 'finit_module.uargs', 'delete_module.name_user', 'reboot.arg',
]);

/** Whether string argument `argName` of `syscall` is a path (SyscallArgInfo.isPath: never cut, as strace prints it). */
export function isPathArg(syscall: string, argName: string): boolean {
  return !NOT_PATH_STRINGS.has(`${syscall}.${argName}`);
}
