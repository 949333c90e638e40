/**
 * Video4Linux2 requests ('V') as strace's v4l2 decoder shows what they are given: the buffer
 * type, index and memory of the buffer requests, the index of the enumerations, a stream's
 * type, a crop rectangle, a frame buffer. What the driver returns after success is not spelled
 * out here (such calls show the address): the structs as a failed call shows them are what a
 * user tracing a program without the device sees.
 */
import { fixedXlat, formatValue, hexValue, styled, type Xlat } from '../xlat';
import { givenStruct, type ShapeContext } from './shape';

const BUF_TYPES = fixedXlat([
  'VIDEO_CAPTURE', 'VIDEO_OUTPUT', 'VIDEO_OVERLAY', 'VBI_CAPTURE', 'VBI_OUTPUT', 'SLICED_VBI_CAPTURE', 'SLICED_VBI_OUTPUT',
  'VIDEO_OUTPUT_OVERLAY', 'VIDEO_CAPTURE_MPLANE', 'VIDEO_OUTPUT_MPLANE', 'SDR_CAPTURE', 'SDR_OUTPUT', 'META_CAPTURE', 'META_OUTPUT',
].map((n, i) => [`V4L2_BUF_TYPE_${n}`, i + 1]));
const MEMORIES = fixedXlat(['MMAP', 'USERPTR', 'OVERLAY', 'DMABUF'].map((n, i) => [`V4L2_MEMORY_${n}`, i + 1]));

export function v4l2Shapes(ctx: ShapeContext): void {
  const { set, style } = ctx;
  const u32 = (v: DataView, at: number) => v.getUint32(at, true);
  const named = (table: Xlat, unknown: string) => (n: number) => styled(BigInt(n), formatValue(BigInt(n), table, unknown), style);
  const bufType = named(BUF_TYPES, 'V4L2_BUF_TYPE_???');
  const memory = named(MEMORIES, 'V4L2_MEMORY_???');
  // Shown as given: after a success strace adds what the driver wrote, which this does not.
  const given = (size: number, head: (v: DataView) => string) => givenStruct(size, (v) => {
    const text = head(v);
    return text === '' ? '' : `${text}}`;
  });
  // struct v4l2_fmtdesc: index, type.
  set(['VIDIOC_ENUM_FMT'], given(64, (v) => `{index=${u32(v, 0)}, type=${bufType(u32(v, 4))}`));
  // struct v4l2_format: type first.
  set(['VIDIOC_G_FMT'], given(208, (v) => `{type=${bufType(u32(v, 0))}`));
  // struct v4l2_requestbuffers: count, type, memory.
  set(['VIDIOC_REQBUFS'], given(20, (v) => `{type=${bufType(u32(v, 4))}, memory=${memory(u32(v, 8))}, count=${u32(v, 0)}`));
  // struct v4l2_buffer: index, type (DQBUF's index is an output).
  set(['VIDIOC_QUERYBUF', 'VIDIOC_QBUF'], given(88, (v) => `{type=${bufType(u32(v, 4))}, index=${u32(v, 0)}`));
  set(['VIDIOC_DQBUF'], given(88, (v) => `{type=${bufType(u32(v, 4))}`));
  // struct v4l2_streamparm: the capture and output parameters are not spelled out.
  set(['VIDIOC_G_PARM'], given(204, (v) => `{type=${bufType(u32(v, 0))}`));
  // S_PARM's capture and output parameters and S_FMT's formats are not spelled out: only other types.
  const typeOnly = (size: number, known: (type: number) => boolean) => given(size, (v) => (known(u32(v, 0)) ? '' : `{type=${bufType(u32(v, 0))}`));
  set(['VIDIOC_S_PARM'], typeOnly(204, (t) => t === 1 || t === 2));
  set(['VIDIOC_S_FMT', 'VIDIOC_TRY_FMT'], typeOnly(208, (t) => t >= 1 && t <= 14));
  // struct v4l2_standard, v4l2_input, v4l2_tuner: index first.
  set(['VIDIOC_ENUMSTD'], given(72, (v) => `{index=${u32(v, 0)}`));
  set(['VIDIOC_ENUMINPUT'], given(80, (v) => `{index=${u32(v, 0)}`));
  set(['VIDIOC_G_TUNER'], given(84, (v) => `{index=${u32(v, 0)}`));
  // struct v4l2_cropcap, v4l2_crop: type first.
  set(['VIDIOC_CROPCAP'], given(44, (v) => `{type=${bufType(u32(v, 0))}`));
  set(['VIDIOC_G_CROP'], given(20, (v) => `{type=${bufType(u32(v, 0))}`));
  const rect = (v: DataView, at: number) => `{left=${v.getInt32(at, true)}, top=${v.getInt32(at + 4, true)}, width=${u32(v, at + 8)}, height=${u32(v, at + 12)}}`;
  set(['VIDIOC_S_CROP'], { kind: 'struct', output: false, size: 20, format: (v) => `{type=${bufType(u32(v, 0))}, c=${rect(v, 4)}}` });
  // struct v4l2_framebuffer: capability, flags, base (given to S_FBUF, returned by G_FBUF).
  const fbuf = (v: DataView) => `{capability=${hexValue(BigInt(u32(v, 0)))}, flags=${hexValue(BigInt(u32(v, 4)))}, base=${v.getBigUint64(8, true) === 0n ? 'NULL' : hexValue(v.getBigUint64(8, true))}}`;
  set(['VIDIOC_S_FBUF'], { kind: 'struct', output: false, size: 48, format: fbuf });
  set(['VIDIOC_G_FBUF'], { kind: 'struct', output: true, size: 48, format: fbuf });
  set(['VIDIOC_STREAMON', 'VIDIOC_STREAMOFF'], { kind: 'struct', output: false, size: 4, format: (v) => `[${bufType(u32(v, 0))}]` });
  set(['VIDIOC_S_INPUT'], { kind: 'int', output: false, unsigned: true });
  set(['VIDIOC_G_INPUT'], { kind: 'int', output: true, unsigned: true });
  const std = (v: DataView) => `[${hexValue(v.getBigUint64(0, true))}]`;
  set(['VIDIOC_S_STD'], { kind: 'struct', output: false, size: 8, format: std });
  set(['VIDIOC_G_STD'], { kind: 'struct', output: true, size: 8, format: std });
}
