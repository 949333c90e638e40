/**
 * PTP clock requests ('=') as strace's ptp decoder shows what they are given: external
 * timestamp and periodic output requests, the sample count of the offset measurements, pin
 * functions; the reserved words only when one is set (and, for the first versions of the
 * requests, which ignore them, not at all).
 */
import { formatTimeComment } from '../time';
import { fixedXlat, formatFlags, formatValue, hexValue, styled, type Xlat } from '../xlat';
import { givenStruct, type ShapeContext } from './shape';

const EXTTS_FLAGS = fixedXlat([['PTP_ENABLE_FEATURE', 1], ['PTP_RISING_EDGE', 2], ['PTP_FALLING_EDGE', 4], ['PTP_STRICT_FLAGS', 8]]);
const PEROUT_FLAGS = fixedXlat([['PTP_PEROUT_ONE_SHOT', 1], ['PTP_PEROUT_DUTY_CYCLE', 2], ['PTP_PEROUT_PHASE', 4]]);
const PIN_FUNCS = fixedXlat([['PTP_PF_NONE', 0], ['PTP_PF_EXTTS', 1], ['PTP_PF_PEROUT', 2], ['PTP_PF_PHYSYNC', 3]]);

export function ptpShapes(ctx: ShapeContext): void {
  const { set, style } = ctx;
  const u32 = (v: DataView, at: number) => v.getUint32(at, true);
  const flags = (n: number, table: Xlat, unknown: string) => styled(BigInt(n), formatFlags(BigInt(n), table, unknown), style);
  /** `, rsv=[...]` of `count` words at `at` when one is set. */
  const rsv = (v: DataView, at: number, count: number) => {
    const words = Array.from({ length: count }, (_, i) => u32(v, at + 4 * i));
    return words.some((w) => w !== 0) ? `, rsv=[${words.map((w) => hexValue(BigInt(w))).join(', ')}]` : '';
  };
  /** struct ptp_clock_time, with the wall time it names in a comment (`rtc`). */
  const clockTime = (v: DataView, at: number, rtc: boolean) => {
    const sec = v.getBigInt64(at, true);
    const nsec = u32(v, at + 8);
    const reserved = u32(v, at + 12);
    const text = `{sec=${sec}, nsec=${nsec}${reserved ? `, reserved=${hexValue(BigInt(reserved))}` : ''}}`;
    const comment = rtc && style !== 'raw' ? formatTimeComment(sec, BigInt(nsec), 9) : undefined;
    return comment ? `${text} /* ${comment} */` : text;
  };
  // struct ptp_extts_request: index, flags, rsv[2].
  for (const [name, v2] of [['PTP_EXTTS_REQUEST', false], ['PTP_EXTTS_REQUEST2', true]] as const) {
    set([name], { kind: 'struct', output: false, size: 16, format: (v) => `{index=${u32(v, 0)}, flags=${flags(u32(v, 4), EXTTS_FLAGS, 'PTP_???')}${v2 ? rsv(v, 8, 2) : ''}}` });
  }
  // struct ptp_perout_request: start (or phase), period, index, flags, then on (with a duty cycle) or rsv[4].
  for (const [name, v2] of [['PTP_PEROUT_REQUEST', false], ['PTP_PEROUT_REQUEST2', true]] as const) {
    set([name], {
      kind: 'struct',
      output: false,
      size: 56,
      format: (v) => {
        const f = u32(v, 36);
        const first = f & 4 ? `phase=${clockTime(v, 0, false)}` : `start=${clockTime(v, 0, true)}`;
        const tail = f & 2 ? `, on=${clockTime(v, 40, false)}` : v2 ? rsv(v, 40, 4) : '';
        return `{${first}, period=${clockTime(v, 16, false)}, index=${u32(v, 32)}, flags=${flags(f, PEROUT_FLAGS, 'PTP_PEROUT_???')}${tail}}`;
      },
    });
  }
  // struct ptp_sys_offset and ptp_sys_offset_extended: n_samples, rsv[3], then the samples the call returns.
  const samples = (v: DataView) => `{n_samples=${u32(v, 0)}${rsv(v, 4, 3)}}`;
  set(['PTP_SYS_OFFSET', 'PTP_SYS_OFFSET2'], givenStruct(832, samples));
  set(['PTP_SYS_OFFSET_EXTENDED', 'PTP_SYS_OFFSET_EXTENDED2'], givenStruct(1216, samples));
  // struct ptp_pin_desc: name[64], index, func, chan, rsv[5].
  const pin = (v: DataView) => `func=${styled(BigInt(u32(v, 68)), formatValue(BigInt(u32(v, 68)), PIN_FUNCS, 'PTP_PF_???'), style)}, chan=${u32(v, 72)}`;
  for (const [name, v2] of [['PTP_PIN_GETFUNC', false], ['PTP_PIN_GETFUNC2', true]] as const) {
    set([name], givenStruct(96, (v) => `{index=${u32(v, 64)}${v2 ? rsv(v, 76, 5) : ''}}`));
  }
  set(['PTP_PIN_SETFUNC'], { kind: 'struct', output: false, size: 96, format: (v) => `{index=${u32(v, 64)}, ${pin(v)}}` });
  set(['PTP_PIN_SETFUNC2'], { kind: 'struct', output: false, size: 96, format: (v) => `{index=${u32(v, 64)}, ${pin(v)}${rsv(v, 76, 5)}}` });
}
