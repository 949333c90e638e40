/**
 * Decodes one read()'s worth of /proc/sctrace/events with the shared RecordDecoder, for tests that
 * read the module's files directly (the service reads them through ProcRecordSource and the
 * capture pipeline). The framing rules are the source's own (checkFrame).
 */
import type { Event } from '../../src/api/generated/sctrace/v1/Event';
import { CorruptRecordError } from '../../src/backends/errors';
import { Layout, type RecordDecoder } from '../../src/backends/records';
import { checkFrame } from '../../src/backends/kmod/reader';

/** What one chunk yielded. */
export interface ChunkResult {
  /** Records walked (decoded, skipped, or failed one by one). */
  records: number;
  /** Records whose decoding threw something other than CorruptRecordError. */
  decodeErrors: number;
  /** Set when the chunk is corrupt; records before the bad one were delivered. */
  corrupt?: CorruptRecordError;
}

/** Decodes every record of `bytes` and pushes the events to `out`. Never throws. */
export function decodeChunk(decoder: RecordDecoder, bytes: Uint8Array, out: Event[]): ChunkResult {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  const result: ChunkResult = { records: 0, decodeErrors: 0 };
  for (let off = 0; off < end; ) {
    const bad = checkFrame(view, off, end);
    if (bad) {
      result.corrupt = new CorruptRecordError(`at byte ${off} of a ${end}-byte read: ${bad}`);
      return result;
    }
    const size = view.getUint32(off + Layout.header.size, true);
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
