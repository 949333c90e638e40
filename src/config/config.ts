/**
 * sctraced's configuration from three sources, one schema: the --config file (YAML or JSON,
 * option names as keys), SCTRACED_* environment variables, and flags; flags win over the
 * environment, the environment over the file. Every value given is checked, whichever source
 * wins, so a bad value stops the service at start with a message naming the key, where it came
 * from and what is accepted, instead of failing later inside a trace. The options themselves are
 * the table in options.ts.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { closest, distance } from 'fastest-levenshtein';
import { readSettingsFile } from '../util/files';
import { renderUsage } from './help';
import { OPTIONS, type Option, type OptionValues } from './options';

export { DEFAULT_LISTEN, PER_SYSCALL_LIMIT } from './options';

/** The service's settings: a field per option (options.ts says what each is), plus what follows from them. */
export type ServiceConfig = OptionValues & {
  /** Forced ring wakeup threshold, bytes: 1/16 of the ring, at least 64 KiB. */
  wakeupBytes: number;
};

/** A value is out of range or malformed, or options contradict each other; the message names them. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** The prefix of sctraced's environment variables. */
export const ENV_PREFIX = 'SCTRACED_';

/** Where a value came from. */
export type Source = { kind: 'flag' } | { kind: 'env' } | { kind: 'file'; path: string };

const BY_NAME = new Map<string, Option>(OPTIONS.map((o) => [o.name, o]));

/** How `name` is written in `source`: `--max-traces`, `$SCTRACED_MAX_TRACES`, `FILE: max-traces`. */
export function spell(name: string, source: Source): string {
  if (source.kind === 'flag') return `--${name}`;
  if (source.kind === 'env') return `$${envName(name)}`;
  return `${source.path}: ${name}`;
}

/** SCTRACED_MAX_TRACES for max-traces. */
export function envName(name: string): string {
  return ENV_PREFIX + name.toUpperCase().replace(/-/g, '_');
}

/** One source's values by option name: text from flags and the environment, typed values from a file. */
interface Layer {
  source: Source;
  values: Record<string, unknown>;
}

/**
 * The schema every source is checked with: an object of option names, each optional, each
 * checked by its kind; text (and a file's strings) is read by the kind first. Unknown names are
 * refused: a typo must not silently leave a default in place.
 */
const LAYER_SCHEMA = z.strictObject(
  Object.fromEntries(OPTIONS.map((o) => [o.name, z.preprocess((v) => (typeof v === 'string' ? o.kind.fromText(v) : v), o.kind.schema).optional()])),
);

/** The defaults: every option's default read by its own schema, so they are in the service's units. */
export const DEFAULTS: ServiceConfig = derive(
  Object.fromEntries(OPTIONS.map((o) => [o.key, o.default === undefined ? o.kind.none : o.kind.schema.parse(o.default)])) as OptionValues,
);

/** `sctraced --help`. */
export const USAGE = renderUsage();

/**
 * Reads sctraced's configuration: flags from `argv`, SCTRACED_* from `env`, and the file that
 * --config or $SCTRACED_CONFIG names. Throws ConfigError listing every problem, one a line.
 */
export function parseConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): ServiceConfig | 'help' {
  const flags = flagLayer(argv);
  if (flags === 'help') return 'help';
  const environment = envLayer(env);
  const configFile = flags.config ?? environment.config;
  const layers = [configFile ? fileLayer(configFile.path, configFile.source) : undefined, environment.layer, flags.layer].filter((l) => l !== undefined);
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  const origin = new Map<string, Source>();
  for (const layer of layers) {
    const result = LAYER_SCHEMA.safeParse(layer.values, { reportInput: true });
    if (!result.success) {
      problems.push(...describeIssues(result.error.issues, layer.source));
      continue;
    }
    for (const [name, value] of Object.entries(result.data)) {
      if (value === undefined) continue;
      const option = BY_NAME.get(name)!;
      values[option.key] = value;
      origin.set(option.key, layer.source);
    }
  }
  if (problems.length) throw new ConfigError(problems.join('\n'));
  const config = derive({ ...DEFAULTS, ...values } as OptionValues);
  checkCombinations(config, (key) => {
    const option = OPTIONS.find((o) => o.key === key)!;
    return spell(option.name, origin.get(key) ?? { kind: 'flag' });
  });
  return config;
}

function derive(values: OptionValues): ServiceConfig {
  return { ...values, wakeupBytes: Math.max(64 << 10, values.ringBytes >> 4) };
}

/** The flags, and the config file they name. */
function flagLayer(argv: string[]): { layer: Layer; config?: { path: string; source: Source } } | 'help' {
  const options: ParseArgsConfig['options'] = { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } };
  for (const o of OPTIONS) options[o.name] = o.arg ? { type: 'string', multiple: o.repeatable ?? false } : { type: 'boolean' };
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: argv, options, strict: true }).values;
  } catch (err) {
    throw new ConfigError(describeParseError(err as Error & { code?: string }));
  }
  if (values.help) return 'help';
  const { config, help: _help, ...rest } = values;
  const layer = { source: { kind: 'flag' } as const, values: rest };
  if (config === undefined) return { layer };
  return { layer, config: { path: configPath(config as string, '--config'), source: { kind: 'flag' } } };
}

/** SCTRACED_* variables (an empty one is unset), and the config file $SCTRACED_CONFIG names. */
function envLayer(env: NodeJS.ProcessEnv): { layer: Layer; config?: { path: string; source: Source } } {
  const values: Record<string, unknown> = {};
  let config: { path: string; source: Source } | undefined;
  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith(ENV_PREFIX) || value === undefined || value === '') continue;
    const name = variable.slice(ENV_PREFIX.length).toLowerCase().replace(/_/g, '-');
    if (name === 'config') config = { path: configPath(value, `$${variable}`), source: { kind: 'env' } };
    else values[name] = value;
  }
  return { layer: { source: { kind: 'env' }, values }, config };
}

function configPath(value: string, label: string): string {
  if (value.trim() === '') throw new ConfigError(`${label} needs a file name`);
  return value;
}

/** The config file's values: a mapping of option names to values. */
function fileLayer(path: string, named: Source): Layer {
  const label = named.kind === 'env' ? `$${ENV_PREFIX}CONFIG ${path}` : `--config ${path}`;
  let doc: unknown;
  try {
    doc = readSettingsFile(path);
  } catch (err) {
    throw new ConfigError(`${label}: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) doc = {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(`${label}: expected a mapping of option names to values, e.g. "max-traces: 64" (sctraced --help lists the options)`);
  }
  return { source: { kind: 'file', path }, values: doc as Record<string, unknown> };
}

/** One line per problem, the first of each key: `<key as the source spells it> <value>: <what is accepted>`. */
function describeIssues(issues: z.core.$ZodIssue[], source: Source): string[] {
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(unknownName(key, source));
      continue;
    }
    const name = String(issue.path[0]);
    const where = issue.path.slice(1).map((p) => `[${String(p)}]`).join('');
    if (seen.has(name + where)) continue;
    seen.add(name + where);
    const key = spell(name, source) + where;
    const bare = issue.code === 'custom' && (issue.params as { bare?: boolean } | undefined)?.bare;
    lines.push(bare ? `${key} ${issue.message}` : `${key} ${show(issue.input)}: ${issue.message}`);
  }
  return lines;
}

function show(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** An option name that is not one, with the nearest real one when it is close. */
function unknownName(name: string, source: Source): string {
  const names = [...BY_NAME.keys()];
  const near = closest(name, names);
  const hint = distance(name, near) <= Math.max(2, name.length >> 2) ? ` (did you mean ${source.kind === 'file' ? near : spell(near, source)}?)` : '';
  if (source.kind === 'file') return `${source.path}: unknown key ${JSON.stringify(name)}${hint}; the keys are the option names sctraced --help lists`;
  return `${spell(name, source)}: not an option of sctraced${hint}; sctraced --help lists them`;
}

/** parseArgs' errors as ConfigErrors naming the flag. */
function describeParseError(err: Error & { code?: string }): string {
  const flag = /'(-[^' ]+)/.exec(err.message)?.[1];
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag?.startsWith('--')) return unknownName(flag.slice(2).replace(/=.*/, ''), { kind: 'flag' });
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    return /argument missing/.test(err.message) ? `${flag} needs a value` : `${flag} takes no value (it is a switch: give it or leave it out)`;
  }
  if (err.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `${err.message.replace(/^Unexpected argument '([^']*)'.*$/s, 'unexpected argument "$1"')}: sctraced takes only options`;
  return err.message;
}

/** How one listen address is served. */
export type Transport = 'unix' | 'tcp' | 'tls' | 'mtls';

/** One address the service binds. */
export interface Listener {
  address: string;
  transport: Transport;
}

/** The listeners of a checked config: unix sockets as they are, TCP addresses with TLS, mTLS or plaintext. */
export function listenerPlan(config: ServiceConfig): Listener[] {
  const tcp: Transport = config.tlsClientCa ? 'mtls' : config.tlsCert ? 'tls' : 'tcp';
  return config.listen.map((address) => ({ address, transport: isUnix(address) ? 'unix' : tcp }));
}

function isUnix(address: string): boolean {
  return address.startsWith('unix:');
}

/**
 * Refuses at start every combination that would expose trace data without meaning to: a TCP
 * address must be asked for twice (the address, then --insecure or TLS), TLS must come with a way
 * to tell clients apart (client certificates or identities), and TLS flags that would do nothing
 * are mistakes. `name` spells a key as the source that set it did.
 */
const MIB = 1 << 20;

function checkCombinations(config: ServiceConfig, name: (key: keyof ServiceConfig) => string): void {
  const tcp = config.listen.filter((a) => !isUnix(a));
  const tls = config.tlsCert !== '' || config.tlsKey !== '';
  if (tls && (config.tlsCert === '' || config.tlsKey === '')) {
    const [given, missing] = config.tlsCert ? (['tlsCert', 'tlsKey'] as const) : (['tlsKey', 'tlsCert'] as const);
    throw new ConfigError(`${name(given)} needs ${name(missing)} too: TLS takes a certificate and its private key`);
  }
  if (config.tlsClientCa && !tls) {
    throw new ConfigError(`${name('tlsClientCa')} needs ${name('tlsCert')} and ${name('tlsKey')}: mutual TLS is TLS with client certificates`);
  }
  if (tls && tcp.length === 0) {
    throw new ConfigError(`${name('tlsCert')}: no TCP ${name('listen')} address to serve TLS on (unix sockets are not encrypted); add e.g. --listen 0.0.0.0:7070`);
  }
  if (tls && config.insecure) throw new ConfigError(`${name('insecure')} asks for plaintext and ${name('tlsCert')} for TLS: choose one`);
  if (tcp.length > 0 && !tls && !config.insecure) {
    throw new ConfigError(
      `${name('listen')} ${tcp[0]}: a TCP address would serve trace data without TLS; serve TLS with --tls-cert, --tls-key and --tls-client-ca, add --insecure to accept plaintext, or use a unix: socket`,
    );
  }
  if (tls && !config.tlsClientCa && !config.authFile) {
    throw new ConfigError(
      `${name('tlsCert')} with neither ${name('tlsClientCa')} nor ${name('authFile')} would let anyone who reaches the address in: require client certificates (--tls-client-ca FILE) or tokens (--auth FILE)`,
    );
  }
  if (config.retentionBytes > config.maxRetentionBytes) {
    throw new ConfigError(
      `${name('retentionBytes')} ${config.retentionBytes / MIB} is above ${name('maxRetentionBytes')} ${config.maxRetentionBytes / MIB}: raise the limit or lower the default`,
    );
  }
  if (config.retentionBytes > config.retentionTotalBytes) {
    throw new ConfigError(
      `${name('retentionBytes')} ${config.retentionBytes / MIB} is above ${name('retentionTotalBytes')} ${config.retentionTotalBytes / MIB}: one trace's window cannot be larger than all of them together`,
    );
  }
  if (config.socketGroup && !config.listen.some(isUnix)) throw new ConfigError(`${name('socketGroup')}: no unix: ${name('listen')} address to apply it to`);
}
