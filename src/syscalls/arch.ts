/**
 * The per-architecture tables generated from the kernel UAPI headers (scripts/gen-syscalls.js),
 * chosen by architecture name. Every generated file has the same exports, so adding arm64 means
 * generating src/syscalls/generated/aarch64.ts and listing it in TABLES.
 */
import * as x86_64Ioctls from './generated/ioctls-x86_64';
import * as x86_64 from './generated/x86_64';

/** One errno macro as the headers define it. */
export interface ErrnoEntry {
  readonly name: string;
  readonly number: number;
  /** The header's comment, e.g. "No such file or directory". */
  readonly message: string;
  /** For an alias such as EWOULDBLOCK, the name it shares its number with. */
  readonly aliasOf?: string;
}

/** open(2) flag values, which differ between architectures. */
export type OpenFlagValues = { readonly [K in keyof typeof x86_64.OPEN_FLAGS]: number };

/** Everything the syscall module knows about one architecture without asking the kernel. */
export interface ArchTables {
  readonly arch: string;
  /** [name, number] pairs by number. */
  readonly syscallNumbers: ReadonlyArray<readonly [string, number]>;
  readonly errnos: readonly ErrnoEntry[];
  readonly openFlags: OpenFlagValues;
  /** Header constants the decoders render, by group (PROT, MAP, CLONE, SIG, AF, ...). */
  readonly constants: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Every ioctl request the headers define, [request, name], by request then name (scripts/gen-ioctls.js). */
  readonly ioctls: ReadonlyArray<readonly [number, string]>;
}

/**
 * Requests the UAPI headers do not define that the kernel takes and strace names: seccomp's
 * first SECCOMP_IOCTL_NOTIF_ID_VALID, numbered as an output (kernel/seccomp.c keeps it), and
 * SG_GET_ACCESS_COUNT (the kernel's own include/scsi/sg.h).
 */
const OTHER_IOCTLS: ReadonlyArray<readonly [number, string]> = [[0x80082102, 'SECCOMP_IOCTL_NOTIF_ID_VALID_WRONG_DIR'], [0x2289, 'SG_GET_ACCESS_COUNT']];

const byRequest = (a: readonly [number, string], b: readonly [number, string]) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);

const TABLES: Readonly<Record<string, ArchTables>> = {
  x86_64: {
    arch: x86_64.ARCH,
    syscallNumbers: x86_64.SYSCALL_NUMBERS,
    errnos: x86_64.ERRNOS,
    openFlags: x86_64.OPEN_FLAGS,
    constants: x86_64.CONSTANTS,
    ioctls: [...x86_64Ioctls.IOCTLS, ...OTHER_IOCTLS].sort(byRequest),
  },
};

/** No generated tables exist for the architecture. */
export class UnsupportedArchError extends Error {
  constructor(arch: string) {
    super(`syscall tables for ${arch} not supported (generated: ${Object.keys(TABLES).join(', ')})`);
    this.name = 'UnsupportedArchError';
  }
}

/**
 * The kernel's name for the architecture this process runs on (uname -m spelling, which is also
 * what SyscallEvent.arch carries): x64 → x86_64, arm64 → aarch64; other values pass through.
 */
export function archName(): string {
  switch (process.arch) {
    case 'x64':
      return 'x86_64';
    case 'arm64':
      return 'aarch64';
    default:
      return process.arch;
  }
}

/** The generated tables for `arch`; throws UnsupportedArchError when there are none. */
export function archTables(arch: string): ArchTables {
  const tables = TABLES[arch];
  if (!tables) throw new UnsupportedArchError(arch);
  return tables;
}
