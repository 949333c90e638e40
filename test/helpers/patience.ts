/**
 * How long tests wait for something that takes wall time (a service to listen, an event to
 * arrive), scaled for slower machines: SCTRACE_TEST_SLOWDOWN (a factor, default 1). The kmod guest
 * sets it (scripts/kmod/guest-init.sh): under TCG with one host thread for both vCPUs everything
 * runs many times slower than on this VM, and slower still while the host is busy.
 */
const factor = Number(process.env.SCTRACE_TEST_SLOWDOWN ?? '1');

/** The slowdown factor (at least 1: a bad value never shortens a wait). */
export const SLOWDOWN = Number.isFinite(factor) && factor > 1 ? factor : 1;

/** `ms` scaled by the slowdown. */
export function patience(ms: number): number {
  return ms * SLOWDOWN;
}
