/**
 * What a caller may do with traces, beyond its role (src/auth/roles.ts): scopes and ownership.
 *
 * A scoped identity's traces never see outside its scope. The choice, documented in the README:
 * a spec that names values outside the scope is refused (PERMISSION_DENIED naming the field and
 * the value), never silently changed; a spec that does not filter on a scoped field gets the
 * scope's values, so `{}` from a tenant means "everything I may see". Filters of different kinds
 * combine with AND in the kernel, so the scope's filters bound the trace whatever else it asks
 * for (pids, follow_children, syscalls). StartTraceResponse.effective_spec says what runs.
 *
 * Seeing a trace (ListTraces, StreamEvents): an admin or an unscoped identity sees every trace; a
 * scoped one sees a trace whose spec filters on each of its scope's fields with values inside the
 * scope. Stopping: an admin stops any trace, an operator only the traces it started.
 */
import type { TraceSpec, TraceSpec__Output } from '../api/generated/sctrace/v1/TraceSpec';
import { PermissionDeniedError } from './errors';
import type { Caller, Scope } from './identity';

/** What access checks need of a trace. */
export interface TraceView {
  id: string;
  owner: string;
  /** The spec the trace runs. */
  spec: TraceSpec;
}

/** The scope fields, as TraceSpec names them, with the scope's values in TraceSpec's form. */
function scopeFields(scope: Scope): [field: 'uids' | 'cgroup_ids' | 'comms', values: (string | number)[]][] {
  const fields: [field: 'uids' | 'cgroup_ids' | 'comms', values: (string | number)[]][] = [];
  if (scope.uids) fields.push(['uids', scope.uids]);
  if (scope.cgroupIds) fields.push(['cgroup_ids', scope.cgroupIds]);
  if (scope.comms) fields.push(['comms', scope.comms]);
  return fields;
}

/** Canonical form of a spec value for comparison (cgroup ids may come as "0012"). */
function canonical(field: string, value: string | number): string {
  if (field === 'cgroup_ids' && /^\d+$/.test(String(value))) return BigInt(value).toString();
  return String(value);
}

/** Access decisions about traces. */
export class TraceAccess {
  /**
   * The spec a trace of `caller` runs: `spec` with the caller's scope filled in where it does not
   * filter. Throws PermissionDeniedError naming the field when it asks for more than the scope.
   */
  admit(caller: Caller, spec: TraceSpec__Output | null): TraceSpec__Output | null {
    const scope = caller.identity.scope;
    if (!scope || !spec) return spec;
    const effective: TraceSpec__Output = { ...spec };
    for (const [field, allowed] of scopeFields(scope)) {
      const requested = spec[field] as (string | number)[];
      if (requested.length === 0) {
        (effective[field] as (string | number)[]) = [...allowed];
        continue;
      }
      const inside = new Set(allowed.map((v) => canonical(field, v)));
      const outside = requested.filter((v) => !inside.has(canonical(field, v)));
      if (outside.length > 0) {
        throw new PermissionDeniedError(
          `spec.${field}: ${outside.map((v) => JSON.stringify(v)).join(', ')} outside the scope of identity ${caller.identity.name}, which may trace ${field} ${allowed.map((v) => JSON.stringify(v)).join(', ')} only`,
        );
      }
    }
    return effective;
  }

  /** Whether `caller` may list and stream `trace`. */
  canSee(caller: Caller, trace: TraceView): boolean {
    return this.outsideScope(caller, trace) === null;
  }

  /** Throws unless `caller` may stream `trace`. */
  checkStream(caller: Caller, trace: TraceView): void {
    const field = this.outsideScope(caller, trace);
    if (field !== null) {
      throw new PermissionDeniedError(`trace ${trace.id} is not confined to the scope of identity ${caller.identity.name} (its spec.${field} reaches outside it)`);
    }
  }

  /** Throws unless `caller` may stop `trace`. */
  checkStop(caller: Caller, trace: TraceView): void {
    const { name, role } = caller.identity;
    if (role === 'admin' || (role === 'operator' && trace.owner === name)) return;
    if (role === 'operator') throw new PermissionDeniedError(`identity ${name} has role operator, which may stop only the traces it started; trace ${trace.id} was started by another identity`);
    throw new PermissionDeniedError(`identity ${name} has role ${role}, which may not stop traces (StopTrace)`);
  }

  /** The first scope field `trace` is not confined to, or null when the caller may see it. */
  private outsideScope(caller: Caller, trace: TraceView): string | null {
    const scope = caller.identity.scope;
    if (caller.identity.role === 'admin' || !scope) return null;
    for (const [field, allowed] of scopeFields(scope)) {
      const values = (trace.spec[field] ?? []) as (string | number)[];
      const inside = new Set(allowed.map((v) => canonical(field, v)));
      if (values.length === 0 || values.some((v) => !inside.has(canonical(field, v)))) return field;
    }
    return null;
  }
}
