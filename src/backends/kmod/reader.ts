/**
 * Splits what one read() of /proc/sctrace/events returned into records and decodes them with the
 * shared RecordDecoder. The module hands out whole records only (bpf/kmod/README.md), so a read
 * that ends inside a record, a size that is not a multiple of 8 or exceeds the largest record the
 * module builds, or a record of another ABI version means the stream cannot be trusted: the
 * chunk's walk stops with a CorruptRecordError. Anything else a single record's decoding throws
 * costs that record only.
 */
import type { Event } from '../../api/generated/sctrace/v1/Event';
import { CorruptRecordError } from '../errors';
import { ABI_VERSION, Layout, type RecordDecoder } from '../records';

/** Largest record the module assembles (SCT_SCRATCH_BYTES in bpf/kmod/sctrace_kmod.h). */
export const MAX_RECORD_BYTES = 32768;

const H = Layout.header;

/** What one chunk yielded. */
export interface ChunkResult {
  /** Records walked (decoded, skipped, or failed one by one). */
  records: number;
  /** Records whose decoding threw something other than CorruptRecordError. */
  decodeErrors: number;
  /** Set when the chunk is corrupt; records before the bad one were delivered. */
  corrupt?: CorruptRecordError;
}

/**
 * Decodes every record of `bytes` (one read's worth) and pushes the events to `out`. Never throws:
 * a corrupt chunk is reported in the result.
 */
export function decodeChunk(decoder: RecordDecoder, bytes: Uint8Array, out: Event[]): ChunkResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  const result: ChunkResult = { records: 0, decodeErrors: 0 };
  let off = 0;
  while (off < end) {
    const bad = checkFrame(view, off, end);
    if (bad) {
      result.corrupt = new CorruptRecordError(`at byte ${off} of a ${end}-byte read: ${bad}`);
      return result;
    }
    const size = view.getUint32(off + H.size, true);
    try {
      const event = decoder.decode(view, bytes, off, size);
      if (event) out.push(event);
    } catch (err) {
      if (err instanceof CorruptRecordError) {
        result.corrupt = new CorruptRecordError(`at byte ${off} of a ${end}-byte read: ${err.message}`);
        return result;
      }
      result.decodeErrors++;
    }
    result.records++;
    off += size;
  }
  return result;
}

/** Why the record framed at `off` cannot be walked, or '' when its header is sound. */
function checkFrame(view: DataView, off: number, end: number): string {
  const left = end - off;
  if (left < H.SIZE) return `truncated record: the read ends ${left} bytes into a ${H.SIZE}-byte header`;
  const version = view.getUint16(off + H.version, true);
  if (version !== ABI_VERSION) {
    return `record version ${version}, this reader understands version ${ABI_VERSION} (module and sctraced from different releases?)`;
  }
  const size = view.getUint32(off + H.size, true);
  if (size < H.SIZE || size % 8 !== 0) return `record size ${size} is not a multiple of 8 of at least ${H.SIZE}`;
  if (size > MAX_RECORD_BYTES) return `record size ${size} exceeds the largest record (${MAX_RECORD_BYTES} bytes)`;
  if (size > left) return `truncated record: it says ${size} bytes but the read holds ${left}`;
  return '';
}
