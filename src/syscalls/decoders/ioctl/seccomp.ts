/**
 * A seccomp listener's requests ('!', linux/seccomp.h) as strace's seccomp_ioctl shows them: the
 * notification received (what it was given, unless all zero, then `=>` what the kernel wrote),
 * the response sent, the id checked, and the fd added to the target.
 */
import { ErrnoTable } from '../../errno';
import { formatOpenFlags } from '../open';
import { AUDIT_ARCHES } from '../siginfo';
import { fixedXlat, formatFlags, formatValue, hexValue, pointer, styled } from '../xlat';
import type { ArgShape, ShapeContext } from './shape';

const RESP_FLAGS = fixedXlat([['SECCOMP_USER_NOTIF_FLAG_CONTINUE', 1]]);
const ADDFD_FLAGS = fixedXlat([['SECCOMP_ADDFD_FLAG_SETFD', 1], ['SECCOMP_ADDFD_FLAG_SEND', 2]]);
const AUDIT_ARCH_X86_64 = 0xc000003e;

export function seccompShapes(ctx: ShapeContext): void {
  const { set, style, tables } = ctx;
  const errnos = new ErrnoTable(tables.errnos);
  const syscalls = new Map<number, string>(tables.syscallNumbers.map(([n, nr]) => [nr, n]));
  const x64 = (v: DataView, at: number) => hexValue(v.getBigUint64(at, true));
  const flags = (n: number, table: typeof RESP_FLAGS, unknown: string) => styled(BigInt(n), formatFlags(BigInt(n), table, unknown), style);
  // open_mode_flags: the flags without an access mode (0 when none).
  const modeFlags = (n: number) => {
    const named = formatOpenFlags(n & ~tables.openFlags.O_ACCMODE, tables.openFlags).replace(/^O_RDONLY\|?/, '');
    return styled(BigInt(n), named === '' ? '0' : named, style);
  };

  // struct seccomp_notif: id, pid, flags, data {nr (named for this arch), arch, instruction_pointer, args}.
  const notif = (v: DataView) => {
    const nr = v.getUint32(16, true);
    const arch = v.getUint32(20, true);
    const name = arch === AUDIT_ARCH_X86_64 ? syscalls.get(nr) : undefined;
    const args = Array.from({ length: 6 }, (_, i) => x64(v, 32 + 8 * i)).join(', ');
    return `{id=${x64(v, 0)}, pid=${v.getUint32(8, true)}, flags=${hexValue(BigInt(v.getUint32(12, true)))}, ` +
      `data={nr=${name ? styled(BigInt(nr), `__NR_${name}`, style, true) : nr}, arch=${styled(BigInt(arch), formatValue(BigInt(arch), AUDIT_ARCHES, 'AUDIT_ARCH_???'), style)}, ` +
      `instruction_pointer=${pointer(v.getBigUint64(24, true))}, args=[${args}]}}`;
  };
  const recv: ArgShape = {
    kind: 'struct',
    output: false,
    inout: true,
    size: 80,
    format: (v, call, atEntry, given) => {
      const start = given ?? (atEntry ? v : undefined);
      const zero = !start || new Uint8Array(start.buffer, start.byteOffset, 80).every((b) => b === 0);
      const after = atEntry || call.ret < 0n ? hexValue(call.args[2] ?? 0n) : notif(v);
      if (zero) return atEntry ? '' : after;
      return `${notif(start)} => ${after}`;
    },
  };
  set(['SECCOMP_IOCTL_NOTIF_RECV'], recv);
  // struct seccomp_notif_resp: id, val, error (a negated errno), flags.
  set(['SECCOMP_IOCTL_NOTIF_SEND'], {
    kind: 'struct',
    output: false,
    size: 24,
    format: (v) => {
      const error = v.getInt32(16, true);
      const name = error < 0 ? errnos.name(-error) : undefined;
      return `{id=${x64(v, 0)}, val=${v.getBigInt64(8, true)}, error=${name ? styled(BigInt(error), `-${name}`, style, true) : error}, ` +
        `flags=${flags(v.getUint32(20, true), RESP_FLAGS, 'SECCOMP_USER_NOTIF_FLAG_???')}}`;
    },
  });
  // The id as a u64 in hex; the first kernels numbered it as an output (the kernel takes both).
  set(['SECCOMP_IOCTL_NOTIF_ID_VALID', 'SECCOMP_IOCTL_NOTIF_ID_VALID_WRONG_DIR'], { kind: 'struct', output: false, size: 8, format: (v) => `[${x64(v, 0)}]` });
  // struct seccomp_notif_addfd: id, flags, srcfd, newfd, newfd_flags.
  set(['SECCOMP_IOCTL_NOTIF_ADDFD'], {
    kind: 'struct',
    output: false,
    size: 24,
    format: (v) =>
      `{id=${x64(v, 0)}, flags=${flags(v.getUint32(8, true), ADDFD_FLAGS, 'SECCOMP_ADDFD_FLAG_???')}, srcfd=${v.getInt32(12, true)}, ` +
      `newfd=${v.getInt32(16, true)}, newfd_flags=${modeFlags(v.getUint32(20, true))}}`,
  });
}
