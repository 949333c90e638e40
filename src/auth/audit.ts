/**
 * The audit log: one line per StartTrace, StopTrace and StreamEvents subscription, and per call
 * the service refused (authentication, role, scope, limits), naming the identity and the spec.
 * Each line is `audit {json}` under the `audit` component of the service log, so it can be
 * grepped and parsed; JSON escaping keeps a hostile CN or spec on one line. The identity and the
 * trace id are also the record's structured fields, as on every trace-related line.
 */
import type { TraceSpec } from '../api/generated/sctrace/v1/TraceSpec';
import type { LogFields, Logger } from '../util/log';
import type { Caller } from './identity';

/** One audited call. */
export interface AuditEntry {
  /** The method, e.g. "StartTrace". */
  call: string;
  /** Who: absent when the call was refused before an identity was known. */
  caller?: Caller;
  /** Where from, when there is no caller. */
  peer?: string;
  /** "OK" or the status name the call ended with. */
  result: string;
  detail?: string;
  traceId?: string;
  /** The spec the client sent. */
  spec?: TraceSpec | null;
  /** The spec the trace runs, when it differs from the one sent (the caller's scope filled in). */
  effectiveSpec?: TraceSpec;
}

/** Most values of one list shown in a logged spec (a spec may hold 4096 pids). */
const LIST_MAX = 32;

/** Writes audit lines. */
export class AuditLog {
  constructor(private readonly log: Logger) {}

  record(entry: AuditEntry): void {
    const line: Record<string, unknown> = { call: entry.call };
    if (entry.caller) {
      line.identity = entry.caller.identity.name;
      line.role = entry.caller.identity.role;
      line.credential = entry.caller.credential;
      line.peer = entry.caller.peer;
    } else {
      line.identity = null;
      line.peer = entry.peer;
    }
    line.result = entry.result;
    if (entry.detail) line.detail = entry.detail;
    if (entry.traceId) line.trace_id = entry.traceId;
    if (entry.spec !== undefined) line.spec = entry.spec === null ? null : compact(entry.spec);
    if (entry.effectiveSpec) line.effective_spec = compact(entry.effectiveSpec);
    const text = `audit ${JSON.stringify(line)}`;
    const fields: LogFields = { identity: entry.caller?.identity.name, trace_id: entry.traceId };
    if (entry.result === 'OK') this.log.info(text, fields);
    else this.log.warn(text, fields);
  }
}

/** The fields of a spec that say something: empty lists, false and 0 are left out, long lists cut. */
export function compact(spec: TraceSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      out[key] = value.length > LIST_MAX ? [...value.slice(0, LIST_MAX), `... ${value.length - LIST_MAX} more`] : value;
    } else if (value !== false && value !== 0 && value !== '' && value !== '0' && value !== null && value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}
