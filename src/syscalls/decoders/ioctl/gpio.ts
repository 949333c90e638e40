/**
 * GPIO character device requests (0xb4) as strace's gpio decoder shows them: the chip and line
 * information returned, line handle and event requests (v1) and line requests (v2) as given and
 * the fd they return (`=> {fd=N}`), line values and configurations with their attributes.
 * Arrays stop at their count (at most their size) and at -s elements.
 */
import { fixedCString } from '../fields';
import type { CallView } from '../registry';
import { fixedXlat, formatFlags, hexValue, styled, type Xlat } from '../xlat';
import type { ArgShape, ShapeContext } from './shape';

const V2_LINE_FLAGS = fixedXlat([
  'USED', 'ACTIVE_LOW', 'INPUT', 'OUTPUT', 'EDGE_RISING', 'EDGE_FALLING', 'OPEN_DRAIN', 'OPEN_SOURCE', 'BIAS_PULL_UP', 'BIAS_PULL_DOWN',
  'BIAS_DISABLED', 'EVENT_CLOCK_REALTIME', 'EVENT_CLOCK_HTE',
].map((n, i) => [`GPIO_V2_LINE_FLAG_${n}`, 1n << BigInt(i)]));
const BITS8 = ['ACTIVE_LOW', 'OPEN_DRAIN', 'OPEN_SOURCE', 'BIAS_PULL_UP', 'BIAS_PULL_DOWN', 'BIAS_DISABLE'];
const HANDLE_FLAGS = fixedXlat(['INPUT', 'OUTPUT', ...BITS8].map((n, i) => [`GPIOHANDLE_REQUEST_${n}`, 1 << i]));
const LINE_FLAGS = fixedXlat(['KERNEL', 'IS_OUT', ...BITS8].map((n, i) => [`GPIOLINE_FLAG_${n}`, 1 << i]));
/** Both edges first, so that 3 prints as its one name. */
const EVENT_FLAGS = fixedXlat([['GPIOEVENT_REQUEST_BOTH_EDGES', 3], ['GPIOEVENT_REQUEST_RISING_EDGE', 1], ['GPIOEVENT_REQUEST_FALLING_EDGE', 2]]);
const ATTR_FLAGS = 1;
const ATTR_OUTPUT_VALUES = 2;
const ATTR_DEBOUNCE = 3;

export function gpioShapes(ctx: ShapeContext): void {
  const { set, style } = ctx;
  const u32 = (v: DataView, at: number) => v.getUint32(at, true);
  const flags = (value: bigint, table: Xlat, unknown: string) => styled(value, formatFlags(value, table, unknown), style);
  const flags32 = (v: DataView, at: number, table: Xlat, unknown: string) => flags(BigInt(u32(v, at)), table, unknown);
  const v2flags = (v: DataView, at: number) => flags(v.getBigUint64(at, true), V2_LINE_FLAGS, 'GPIO_V2_LINE_FLAG_???');
  const cstr = (v: DataView, at: number, n: number) => fixedCString(new Uint8Array(v.buffer, v.byteOffset + at, n));
  /** `count` elements of a `cap`-element array (strace's print_local_array_upto), cut at -s with `...`. */
  const upto = (call: CallView, count: number, cap: number, render: (i: number) => string) => {
    const n = Math.min(count, cap);
    const shown = Math.min(n, call.options.stringMax);
    const items = Array.from({ length: shown }, (_, i) => render(i));
    if (shown < n) items.push('...');
    return `[${items.join(', ')}]`;
  };
  const zero = (v: DataView, at: number, words: number) => Array.from({ length: words }, (_, i) => u32(v, at + 4 * i)).every((w) => w === 0);
  const padding = (v: DataView, at: number, words: number) => `[${Array.from({ length: words }, (_, i) => hexValue(BigInt(u32(v, at + 4 * i)))).join(', ')}]`;
  /** Given at entry; after a success, ` => ` and what the kernel wrote (`after`). */
  const request = (size: number, given: (v: DataView, call: CallView) => string, after: (v: DataView) => string): ArgShape => ({
    kind: 'struct',
    output: false,
    inout: true,
    size,
    format: (v, call, atEntry, entry) => (atEntry || call.ret < 0n || !entry ? given(v, call) : `${given(entry, call)} => ${after(v)}`),
  });
  const output = (size: number, format: (v: DataView, call: CallView) => string): ArgShape => ({ kind: 'struct', output: true, size, format });
  const input = (size: number, format: (v: DataView, call: CallView) => string): ArgShape => ({ kind: 'struct', output: false, size, format });
  const fdAt = (at: number) => (v: DataView) => `{fd=${v.getInt32(at, true)}}`;

  // struct gpio_v2_line_attribute: by its id, raw when the id is unknown or the padding is set.
  const attribute = (v: DataView, at: number, asField: boolean) => {
    const id = u32(v, at);
    const pad = u32(v, at + 4);
    if (pad === 0 && id === ATTR_FLAGS) return `flags=${v2flags(v, at + 8)}`;
    if (pad === 0 && id === ATTR_OUTPUT_VALUES) return `values=${hexValue(v.getBigUint64(at + 8, true))}`;
    if (pad === 0 && id === ATTR_DEBOUNCE) return `debounce_period_us=${u32(v, at + 8)}`;
    const raw = `id=${id}${pad ? `, padding=${hexValue(BigInt(pad))}` : ''}, data=${hexValue(v.getBigUint64(at + 8, true))}`;
    return asField ? `attr={${raw}}` : raw;
  };
  // struct gpio_v2_line_config at `at`: flags, num_attrs, padding when set, attrs {attr, mask}.
  const config = (v: DataView, at: number, call: CallView) => {
    const num = u32(v, at + 8);
    let out = `{flags=${v2flags(v, at)}, num_attrs=${num}`;
    if (!zero(v, at + 12, 5)) out += `, padding=${padding(v, at + 12, 5)}`;
    if (num) out += `, attrs=${upto(call, num, 10, (i) => `{${attribute(v, at + 32 + 24 * i, true)}, mask=${hexValue(v.getBigUint64(at + 48 + 24 * i, true))}}`)}`;
    return `${out}}`;
  };
  const values64 = (v: DataView, at: number, call: CallView) => upto(call, 64, 64, (i) => String(v.getUint8(at + i)));

  set(['GPIO_GET_CHIPINFO_IOCTL'], output(68, (v) => `{name=${cstr(v, 0, 32)}, label=${cstr(v, 32, 32)}, lines=${u32(v, 64)}}`));
  // struct gpioline_info: line_offset asked for; flags, name and consumer returned.
  const lineInfo = request(72, (v) => `{line_offset=${u32(v, 0)}}`, (v) => `{flags=${flags32(v, 4, LINE_FLAGS, 'GPIOLINE_FLAG_???')}, name=${cstr(v, 8, 32)}, consumer=${cstr(v, 40, 32)}}`);
  set(['GPIO_GET_LINEINFO_IOCTL', 'GPIO_GET_LINEINFO_WATCH_IOCTL'], lineInfo);
  set(['GPIO_GET_LINEINFO_UNWATCH_IOCTL'], input(4, (v) => `{offset=${u32(v, 0)}}`));
  // struct gpio_v2_line_info: offset asked for; name, consumer, flags and attributes returned.
  set(['GPIO_V2_GET_LINEINFO_IOCTL', 'GPIO_V2_GET_LINEINFO_WATCH_IOCTL'], {
    kind: 'struct',
    output: false,
    inout: true,
    size: 256,
    format: (v, call, atEntry, entry) => {
      const given = `{offset=${u32(entry ?? v, 64)}}`;
      if (atEntry || call.ret < 0n || !entry) return given;
      const num = u32(v, 68);
      let out = `{name=${cstr(v, 0, 32)}, consumer=${cstr(v, 32, 32)}, flags=${v2flags(v, 72)}, num_attrs=${num}`;
      if (num) out += `, attrs=${upto(call, num, 10, (i) => `{${attribute(v, 80 + 16 * i, false)}}`)}`;
      if (!zero(v, 240, 4)) out += `, padding=${padding(v, 240, 4)}`;
      return `${given} => ${out}}`;
    },
  });
  // struct gpiohandle_request: lines, their offsets, flags, default values, label; the handle's fd.
  set(['GPIO_GET_LINEHANDLE_IOCTL'], request(364, (v, call) => {
    const lines = u32(v, 356);
    return `{lines=${lines}, lineoffsets=${upto(call, lines, 64, (i) => String(u32(v, 4 * i)))}, flags=${flags32(v, 256, HANDLE_FLAGS, 'GPIOHANDLE_REQUEST_???')}, ` +
      `default_values=${upto(call, lines, 64, (i) => String(v.getUint8(260 + i)))}, consumer_label=${cstr(v, 324, 32)}}`;
  }, fdAt(360)));
  // struct gpioevent_request: line, handle and event flags, label; the event fd.
  set(['GPIO_GET_LINEEVENT_IOCTL'], request(48, (v) =>
    `{lineoffset=${u32(v, 0)}, handleflags=${flags32(v, 4, HANDLE_FLAGS, 'GPIOHANDLE_REQUEST_???')}, eventflags=${flags32(v, 8, EVENT_FLAGS, 'GPIOEVENT_REQUEST_???')}, ` +
    `consumer_label=${cstr(v, 12, 32)}}`, fdAt(44)));
  // struct gpiohandle_data: 64 values.
  set(['GPIOHANDLE_GET_LINE_VALUES_IOCTL'], output(64, (v, call) => `{values=${values64(v, 0, call)}}`));
  set(['GPIOHANDLE_SET_LINE_VALUES_IOCTL'], input(64, (v, call) => `{values=${values64(v, 0, call)}}`));
  // struct gpiohandle_config: flags, default values.
  set(['GPIOHANDLE_SET_CONFIG_IOCTL'], input(84, (v, call) => `{flags=${flags32(v, 0, HANDLE_FLAGS, 'GPIOHANDLE_REQUEST_???')}, default_values=${values64(v, 4, call)}}`));
  // struct gpio_v2_line_request: lines, offsets, consumer, config, buffer size and padding when set; the request's fd.
  set(['GPIO_V2_GET_LINE_IOCTL'], request(592, (v, call) => {
    const lines = u32(v, 560);
    const buffer = u32(v, 564);
    let out = `{num_lines=${lines}, offsets=${upto(call, lines, 64, (i) => String(u32(v, 4 * i)))}, consumer=${cstr(v, 256, 32)}, config=${config(v, 288, call)}`;
    if (buffer) out += `, event_buffer_size=${buffer}`;
    if (!zero(v, 568, 5)) out += `, padding=${padding(v, 568, 5)}`;
    return `${out}}`;
  }, fdAt(588)));
  // struct gpio_v2_line_values: the mask asked for, the bits returned; or both, given.
  set(['GPIO_V2_LINE_GET_VALUES_IOCTL'], request(16, (v) => `{mask=${hexValue(v.getBigUint64(8, true))}}`, (v) => `{bits=${hexValue(v.getBigUint64(0, true))}}`));
  set(['GPIO_V2_LINE_SET_VALUES_IOCTL'], input(16, (v) => `{bits=${hexValue(v.getBigUint64(0, true))}, mask=${hexValue(v.getBigUint64(8, true))}}`));
  set(['GPIO_V2_LINE_SET_CONFIG_IOCTL'], input(272, (v, call) => config(v, 0, call)));
}
