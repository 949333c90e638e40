/** `sctraced --help`, rendered from the option table so it lists every option the parser takes. */
import { DEFAULT_LISTEN, GROUPS, OPTIONS, type Option } from './options';

const WIDTH = 100;
const COLUMN = 32;

/** How an option's default reads in help. */
export function shownDefault(option: Option): string {
  if (option.shownDefault !== undefined) return option.shownDefault;
  const value = option.default;
  if (value === undefined) return option.arg ? 'none' : 'off';
  return Array.isArray(value) ? value.join(', ') : String(value);
}

/** The whole help text. */
export function renderUsage(): string {
  const lines = [
    'usage: sctraced [--config FILE] [options]',
    '',
    ...wrap(
      'Every option is also a key of the --config file (YAML or JSON, e.g. "max-traces: 64", ' +
        `"listen: [${DEFAULT_LISTEN}, 0.0.0.0:7070]") and an environment variable SCTRACED_<NAME> ` +
        '(e.g. SCTRACED_MAX_TRACES=64, SCTRACED_TLS_CERT=/etc/sctrace/server.crt; lists comma-separated; an empty one is unset). ' +
        'Flags win over the environment, the environment over the file.',
      WIDTH,
    ),
    '',
    entry('--config FILE', 'read options from FILE, YAML or JSON; also $SCTRACED_CONFIG (default: none)'),
    entry('-h, --help', 'this help'),
  ];
  for (const [group, title] of Object.entries(GROUPS)) {
    lines.push('', `${title}:`);
    for (const option of OPTIONS.filter((o) => o.group === group)) {
      lines.push(entry(`--${option.name}${option.arg ? ` ${option.arg}` : ''}`, `${option.help} (default: ${shownDefault(option)})`));
    }
  }
  return lines.join('\n');
}

function entry(left: string, text: string): string {
  const indent = ' '.repeat(COLUMN);
  const body = wrap(text, WIDTH - COLUMN);
  const head = `  ${left}`;
  const first = head.length < COLUMN ? head.padEnd(COLUMN) + body[0] : `${head}\n${indent}${body[0]}`;
  return [first, ...body.slice(1).map((l) => indent + l)].join('\n');
}

/** Greedy word wrap at `width` columns. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}
