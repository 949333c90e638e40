/** `sctrace caps`: which capture backends this node can use, and why not where it cannot. */
import type { GetCapabilitiesResponse__Output } from '../../src/api/generated/sctrace/v1/GetCapabilitiesResponse';
import { COMMON_HELP, type Command } from './command';
import { queryCommand } from './query';
import { formatTable } from './table';

const NAME = 'caps';

const HELP = `Usage: sctrace caps [options]

Shows the capture backends (ebpf, kmod) of the node sctraced runs on: available or why not,
the backend 'auto' would choose, the kernel release and architecture.

Options:
  -o, --output FORMAT   text (default) or json (the GetCapabilities response)

${COMMON_HELP}`;

/** `sctrace caps`. */
export const capsCommand: Command = queryCommand({
  name: NAME,
  summary: 'show capture backends and the kernel',
  help: HELP,
  call: (connection) => connection.getCapabilities(),
  text: (caps) => formatCapabilities(caps),
  nodeOf: (caps) => caps.node,
});

/** The backend table, then the default backend, kernel and architecture. */
export function formatCapabilities(caps: GetCapabilitiesResponse__Output): string {
  const rows = caps.backends.map((backend) => [backend.name, backend.available ? 'yes' : 'no', backend.reason]);
  return (
    formatTable([['BACKEND', 'AVAILABLE', 'REASON'], ...rows]) +
    `default backend: ${caps.default_backend || 'none available'}\n` +
    `kernel: ${caps.kernel || 'unknown'} (${caps.arch || 'unknown arch'})\n`
  );
}
