/**
 * GPIO character device requests (0xb4) as strace's gpio decoder shows what they are given:
 * the line whose information is asked for, a line configuration without attributes. What a
 * call returns after success is not spelled out here (its address is shown).
 */
import { fixedXlat, formatFlags, hexValue, styled } from '../xlat';
import { givenStruct, type ShapeContext } from './shape';

const V2_LINE_FLAGS = fixedXlat([
  'USED', 'ACTIVE_LOW', 'INPUT', 'OUTPUT', 'EDGE_RISING', 'EDGE_FALLING', 'OPEN_DRAIN', 'OPEN_SOURCE', 'BIAS_PULL_UP', 'BIAS_PULL_DOWN',
  'BIAS_DISABLED', 'EVENT_CLOCK_REALTIME', 'EVENT_CLOCK_HTE',
].map((n, i) => [`GPIO_V2_LINE_FLAG_${n}`, 1n << BigInt(i)]));

export function gpioShapes(ctx: ShapeContext): void {
  const { set, style } = ctx;
  const asked = (size: number, field: string, at: number) => givenStruct(size, (v) => `{${field}=${v.getUint32(at, true)}}`);
  // struct gpioline_info: line_offset first; struct gpio_v2_line_info: offset after name and consumer.
  set(['GPIO_GET_LINEINFO_IOCTL', 'GPIO_GET_LINEINFO_WATCH_IOCTL'], asked(72, 'line_offset', 0));
  set(['GPIO_V2_GET_LINEINFO_IOCTL', 'GPIO_V2_GET_LINEINFO_WATCH_IOCTL'], asked(256, 'offset', 64));
  set(['GPIO_GET_LINEINFO_UNWATCH_IOCTL'], { kind: 'struct', output: false, size: 4, format: (v) => `{offset=${v.getUint32(0, true)}}` });
  // struct gpio_v2_line_config: flags, num_attrs, padding[5], attrs (not spelled out: such a config shows its address).
  set(['GPIO_V2_LINE_SET_CONFIG_IOCTL'], {
    kind: 'struct',
    output: false,
    size: 272,
    format: (v) => {
      if (v.getUint32(8, true) !== 0) return '';
      const flags = v.getBigUint64(0, true);
      const padding = Array.from({ length: 5 }, (_, i) => v.getUint32(12 + 4 * i, true));
      const pad = padding.some((p) => p !== 0) ? `, padding=[${padding.map((p) => hexValue(BigInt(p))).join(', ')}]` : '';
      return `{flags=${styled(flags, formatFlags(flags, V2_LINE_FLAGS, 'GPIO_V2_LINE_FLAG_???'), style)}, num_attrs=0${pad}}`;
    },
  });
}
