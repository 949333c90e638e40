/** `sctrace caps`: which capture backends this node can use, and why not where it cannot. */
import { parseArgs } from 'node:util';
import type { GetCapabilitiesResponse__Output } from '../../src/api/generated/sctrace/v1/GetCapabilitiesResponse';
import { COMMON_HELP, COMMON_OPTIONS, UsageError, parseFormat, parseOrUsage, type Command, type GlobalOptions } from './command';
import { TracerConnection, resolveServerAddress } from './client';
import { formatTable } from './table';

const NAME = 'caps';

const CAPS_OPTIONS = { ...COMMON_OPTIONS, output: { type: 'string', short: 'o' } } as const;

const HELP = `Usage: sctrace caps [options]

Shows the capture backends (ebpf, kmod) of the node sctraced runs on: available or why not,
the backend 'auto' would choose, the kernel release and architecture.

Options:
  -o, --output FORMAT   text (default) or json (the GetCapabilities response)

${COMMON_HELP}`;

/** `sctrace caps`. */
export const capsCommand: Command = { name: NAME, summary: 'show capture backends and the kernel', help: HELP, run: runCaps };

async function runCaps(argv: string[], globals: GlobalOptions): Promise<number> {
  const { values, positionals } = parseOrUsage(NAME, () => parseArgs({ args: argv, options: CAPS_OPTIONS, strict: true, allowPositionals: true }));
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, NAME);
  const format = parseFormat(NAME, values.output);
  const connection = new TracerConnection(resolveServerAddress(values.server ?? globals.server));
  try {
    const caps = await connection.getCapabilities();
    process.stdout.write(format === 'json' ? `${JSON.stringify(caps, null, 2)}\n` : formatCapabilities(caps));
    return 0;
  } finally {
    connection.close();
  }
}

/** The backend table, then the default backend, kernel and architecture. */
export function formatCapabilities(caps: GetCapabilitiesResponse__Output): string {
  const rows = caps.backends.map((backend) => [backend.name, backend.available ? 'yes' : 'no', backend.reason]);
  return (
    formatTable([['BACKEND', 'AVAILABLE', 'REASON'], ...rows]) +
    `default backend: ${caps.default_backend || 'none available'}\n` +
    `kernel: ${caps.kernel || 'unknown'} (${caps.arch || 'unknown arch'})\n`
  );
}
