/**
 * Real-time clock requests ('p') as strace's rtc decoder shows what they are given: struct
 * rtc_time (abbreviated as strace abbreviates it), the wake alarm, the PLL settings, and the
 * parameters of RTC_PARAM_SET and RTC_PARAM_GET (whose failed call shows `=> ` and the address).
 */
import { fixedXlat, formatFlags, formatValue, hexValue, styled, type Xlat } from '../xlat';
import type { ShapeContext } from './shape';

const PARAMS = fixedXlat([['RTC_PARAM_FEATURES', 0], ['RTC_PARAM_CORRECTION', 1], ['RTC_PARAM_BACKUP_SWITCH_MODE', 2]]);
const FEATURES = fixedXlat(['ALARM', 'ALARM_RES_MINUTE', 'NEED_WEEK_DAY', 'ALARM_RES_2S', 'UPDATE_INTERRUPT', 'CORRECTION', 'BACKUP_SWITCH_MODE', 'ALARM_WAKEUP_ONLY'].map((n, i) => [`1<<RTC_FEATURE_${n}`, 1 << i]));
const SWITCH_MODES = fixedXlat([['RTC_BSM_DISABLED', 0], ['RTC_BSM_DIRECT', 1], ['RTC_BSM_LEVEL', 2], ['RTC_BSM_STANDBY', 3]]);

export function rtcShapes(ctx: ShapeContext): void {
  const { set, style, verbose } = ctx;
  const i32 = (v: DataView, at: number) => v.getInt32(at, true);
  const value = (n: bigint, table: Xlat, unknown: string) => styled(n, formatValue(n, table, unknown), style);
  /** struct rtc_time: nine ints, the last three shown with -v only. */
  const time = (v: DataView, at: number) => {
    const names = ['tm_sec', 'tm_min', 'tm_hour', 'tm_mday', 'tm_mon', 'tm_year', 'tm_wday', 'tm_yday', 'tm_isdst'];
    const shown = names.slice(0, verbose ? 9 : 6).map((n, i) => `${n}=${i32(v, at + 4 * i)}`);
    return `{${shown.join(', ')}${verbose ? '' : ', ...'}}`;
  };
  set(['RTC_ALM_SET', 'RTC_SET_TIME'], { kind: 'struct', output: false, size: 36, format: (v) => time(v, 0) });
  set(['RTC_WKALM_SET'], { kind: 'struct', output: false, size: 40, format: (v) => `{enabled=${v.getUint8(0)}, pending=${v.getUint8(1)}, time=${time(v, 4)}}` });
  set(['RTC_PLL_SET'], {
    kind: 'struct',
    output: false,
    size: 32,
    format: (v) => {
      const names = ['pll_ctrl', 'pll_value', 'pll_max', 'pll_min', 'pll_posmult', 'pll_negmult'];
      return `{${names.map((n, i) => `${n}=${i32(v, 4 * i)}`).join(', ')}, pll_clock=${v.getBigInt64(24, true)}}`;
    },
  });
  // struct rtc_param: param, a value (by param), index, __pad (shown when set).
  const param = (v: DataView, withValue: boolean) => {
    const p = v.getBigUint64(0, true);
    const u = v.getBigUint64(8, true);
    let val = '';
    if (withValue) {
      if (p === 0n) val = `, uvalue=${styled(u, formatFlags(u, FEATURES, '1<<RTC_FEATURE_???'), style)}`;
      else if (p === 1n) val = `, svalue=${v.getBigInt64(8, true)}`;
      else if (p === 2n) val = `, uvalue=${value(u, SWITCH_MODES, 'RTC_BSM_???')}`;
      else val = `, uvalue=${hexValue(u)}`;
    }
    const pad = v.getUint32(20, true);
    return `{param=${value(p, PARAMS, 'RTC_PARAM_???')}${val}, index=${v.getUint32(16, true)}${pad ? `, __pad=${hexValue(BigInt(pad))}` : ''}}`;
  };
  set(['RTC_PARAM_SET'], { kind: 'struct', output: false, size: 24, format: (v) => param(v, true) });
  // What RTC_PARAM_GET returns is not spelled out after a success (its address is shown).
  set(['RTC_PARAM_GET'], { kind: 'struct', output: false, size: 24, format: (v, call) => (call.ret < 0n ? `${param(v, false)} => ${hexValue(call.args[2] ?? 0n)}` : '') });
}
