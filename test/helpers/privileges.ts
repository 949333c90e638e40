/**
 * Gate for tests that need root and a working eBPF backend: they skip with the reason printed on
 * a machine without them, and fail instead when CI=true (CI machines must run them).
 */
import type { TestContext } from 'node:test';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Why eBPF tests cannot run here, or null when they can. */
export function ebpfUnavailableReason(objectPath?: string): string | null {
  if (process.getuid?.() !== 0) return 'needs root (CAP_BPF, CAP_PERFMON) to load eBPF programs';
  if (!fs.existsSync('/sys/kernel/btf/vmlinux')) return 'kernel has no BTF (/sys/kernel/btf/vmlinux)';
  if (objectPath && !fs.existsSync(objectPath)) return `BPF object ${objectPath} is not built (npm run build)`;
  return null;
}

/** Why `argv` (a tool's version command) cannot run here, with what the tool is for, or null. */
export function commandUnavailableReason(argv: string[], purpose: string): string | null {
  try {
    execFileSync(argv[0], argv.slice(1), { stdio: 'ignore' });
    return null;
  } catch {
    return `needs ${argv[0]} ${purpose} (apt-get install ${argv[0]}; scripts/setup.sh installs it)`;
  }
}

/** Skips `t` (printing why) or, under CI=true, throws so the test fails. Returns true if skipped. */
export function skipUnlessPossible(t: TestContext, reason: string | null): boolean {
  if (reason === null) return false;
  if (process.env.CI === 'true') throw new Error(`cannot run under CI=true: ${reason}`);
  process.stderr.write(`# SKIP ${t.name}: ${reason}\n`);
  t.skip(reason);
  return true;
}

/**
 * For tests run on every capture backend (test/conformance): skips unless `backend` can run here
 * (`unavailable`: backend name → why not, '' when available), saying why; true when skipped.
 * One backend missing is normal (a host has eBPF, the kmod guest has the module); none at all, or
 * `rootReason` set, fails under CI=true.
 */
export function skipUnlessBackend(t: TestContext, backend: string, unavailable: ReadonlyMap<string, string>, rootReason: string | null): boolean {
  if (skipUnlessPossible(t, rootReason)) return true;
  const anyAvailable = [...unavailable.values()].some((r) => r === '');
  if (skipUnlessPossible(t, anyAvailable ? null : `no capture backend available: ${[...unavailable].map(([n, r]) => `${n}: ${r}`).join('; ')}`)) {
    return true;
  }
  const reason = unavailable.get(backend);
  if (reason === '') return false;
  process.stderr.write(`# SKIP ${t.name} on ${backend}: ${reason ?? 'not built in'}\n`);
  t.skip(`${backend}: ${reason}`);
  return true;
}
