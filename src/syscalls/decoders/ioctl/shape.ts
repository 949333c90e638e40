/**
 * How the argument of a known ioctl request is shown (decoders/ioctl.ts renders it; the family
 * modules beside this one say which request has which shape).
 */
import type { ArchTables } from '../../arch';
import type { CallView } from '../registry';
import type { ConstantStyle, Xlat } from '../xlat';

export type ArgShape =
  /** No argument (TIOCEXCL, KDENABIO). */
  | { kind: 'none' }
  /** The argument is a value: named by `xlat`, or decimal (`signed`: as an int), or rendered by `format`. */
  | { kind: 'value'; xlat?: Xlat; unknown?: string; signed?: boolean; format?: (arg: bigint) => string }
  /** A pointer strace decodes whose target is not shown here: NULL, or the address. */
  | { kind: 'ptr' }
  | { kind: 'int'; output: boolean; unsigned?: boolean; bytes?: 1 | 2 | 4 | 8; xlat?: Xlat; unknown?: string }
  | { kind: 'flags'; output: boolean; xlat: Xlat; unknown: string }
  /**
   * A struct of `size` bytes: an output (after success), an input, or (`inout`) both, whose
   * value at entry is shown after a failure (strace's KDGKBENT `{kb_table=..., kb_index=...}`).
   * `v` is the value at exit, or at entry (`entry`) when there is none; `given` is the value at
   * entry of an inout struct when it was read besides (struct ifconf's `ifc_len=160 => 80`).
   */
  | { kind: 'struct'; output: boolean; inout?: boolean; size: number; format: (v: DataView, call: CallView, entry: boolean, given?: DataView) => string };

/** What a family module gets to declare its requests' shapes with. */
export interface ShapeContext {
  /** Gives each named request (those the table knows) the shape. */
  set(names: readonly string[], shape: ArgShape): void;
  tables: ArchTables;
  style: ConstantStyle;
  verbose: boolean;
}

/**
 * A struct a request is given and writes back: shown as given (`text`; '' for the address) at
 * entry and after a failure. What the call returns after success is not spelled out by these
 * decoders, so such a call shows the address.
 */
export function givenStruct(size: number, text: (v: DataView) => string): ArgShape {
  return { kind: 'struct', output: false, inout: true, size, format: (v, call, entry) => (entry || call.ret < 0n ? text(v) : '') };
}
