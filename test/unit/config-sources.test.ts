/** sctraced's three configuration sources (--config file, SCTRACED_* environment, flags) and --help. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, DEFAULTS, USAGE, envName, parseConfig, type ServiceConfig } from '../../src/config/config';
import { OPTIONS } from '../../src/config/options';
import { shownDefault } from '../../src/config/help';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-config-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A config file with `text`, mode 0600. */
function configFile(text: string, ext = 'yaml'): string {
  const file = path.join(dir, `c${files++}.${ext}`);
  fs.writeFileSync(file, text, { mode: 0o600 });
  return file;
}

function load(argv: string[], env: NodeJS.ProcessEnv = {}): ServiceConfig {
  const config = parseConfig(argv, env);
  assert.notEqual(config, 'help');
  return config as ServiceConfig;
}

const refuses = (argv: string[], env: NodeJS.ProcessEnv, pattern: RegExp) =>
  assert.throws(() => parseConfig(argv, env), (err: Error) => err instanceof ConfigError && pattern.test(err.message), `expected ${pattern}`);

test('a YAML file sets options by their flag names, in the units the flags use', () => {
  const file = configFile(`
listen: [unix:/tmp/a.sock, 127.0.0.1:7070]
insecure: true
max-traces: 8
idle-timeout: 30
retention-mb: 8
ring-mb: 4
nice: -5
log-format: json
metrics-listen: "[::]:9464"
`);
  const config = load(['--config', file]);
  assert.deepEqual(config.listen, ['unix:/tmp/a.sock', '127.0.0.1:7070']);
  assert.equal(config.insecure, true);
  assert.equal(config.maxTraces, 8);
  assert.equal(config.idleTimeoutMs, 30_000);
  assert.equal(config.retentionBytes, 8 << 20);
  assert.equal(config.ringBytes, 4 << 20);
  assert.equal(config.wakeupBytes, 256 << 10, 'the wakeup threshold follows the ring from any source');
  assert.equal(config.nice, -5);
  assert.equal(config.logFormat, 'json');
  assert.equal(config.metricsListen, '[::]:9464');
  assert.equal(config.maxSubscribers, DEFAULTS.maxSubscribers, 'what the file leaves out keeps its default');
});

test('a JSON file works the same; quoted numbers (as Helm templates write them) are read like flags', () => {
  const file = configFile(JSON.stringify({ 'max-traces': '12', listen: 'unix:/tmp/j.sock', 'shutdown-grace': 3 }), 'json');
  const config = load(['--config', file]);
  assert.equal(config.maxTraces, 12);
  assert.deepEqual(config.listen, ['unix:/tmp/j.sock']);
  assert.equal(config.shutdownGraceMs, 3000);
});

test('SCTRACED_* variables set options; lists are comma-separated; an empty variable is unset', () => {
  const config = load([], {
    SCTRACED_LISTEN: 'unix:/tmp/e.sock, 127.0.0.1:7071',
    SCTRACED_INSECURE: 'true',
    SCTRACED_MAX_TRACES_PER_IDENTITY: '3',
    SCTRACED_TLS_CERT: '',
    SCTRACED_LOG_LEVEL: 'debug',
    PATH: '/usr/bin',
  });
  assert.deepEqual(config.listen, ['unix:/tmp/e.sock', '127.0.0.1:7071']);
  assert.equal(config.insecure, true);
  assert.equal(config.maxTracesPerIdentity, 3);
  assert.equal(config.tlsCert, '');
  assert.equal(config.logLevel, 'debug');
  assert.equal(envName('max-streams-per-connection'), 'SCTRACED_MAX_STREAMS_PER_CONNECTION');
});

test('flags win over the environment, the environment over the file; $SCTRACED_CONFIG names the file', () => {
  const file = configFile('max-traces: 5\nmax-subscribers: 5\nrate-limit: 5\nlisten: unix:/tmp/f.sock\n');
  const env = { SCTRACED_CONFIG: file, SCTRACED_MAX_SUBSCRIBERS: '6', SCTRACED_RATE_LIMIT: '6' };
  const config = load(['--rate-limit', '7'], env);
  assert.deepEqual([config.maxTraces, config.maxSubscribers, config.rateLimit], [5, 6, 7]);
  assert.deepEqual(config.listen, ['unix:/tmp/f.sock']);
  assert.deepEqual(load(['--listen', 'unix:/tmp/g.sock'], env).listen, ['unix:/tmp/g.sock'], 'a list from a flag replaces the file\'s');
  const other = configFile('max-traces: 9\n');
  assert.equal(load(['--config', other], env).maxTraces, 9, '--config wins over $SCTRACED_CONFIG');
});

test('a bad value names the key as its source spells it, the value, and what is accepted', () => {
  const file = configFile('max-traces: 0\nlog-format: xml\nring-mb: 3\ntls-cert: ""\nlisten: [unix:/tmp/x.sock, nowhere]\ninsecure: maybe\n');
  refuses(['--config', file], {}, new RegExp(`^${file}: max-traces 0: out of range 1\\.\\.64$`, 'm'));
  refuses(['--config', file], {}, new RegExp(`^${file}: log-format "xml": use json or text$`, 'm'));
  refuses(['--config', file], {}, new RegExp(`^${file}: ring-mb 3: must be a power of two \\(1, 2, 4, \\.\\.\\. 1024\\)$`, 'm'));
  refuses(['--config', file], {}, new RegExp(`^${file}: tls-cert needs a file name$`, 'm'));
  refuses(['--config', file], {}, new RegExp(`^${file}: listen\\[1\\] "nowhere": use unix:/path or host:port$`, 'm'));
  refuses(['--config', file], {}, new RegExp(`^${file}: insecure "maybe": use true or false$`, 'm'));
  refuses([], { SCTRACED_MAX_TRACES: 'many' }, /^\$SCTRACED_MAX_TRACES "many": not a whole number$/m);
  refuses([], { SCTRACED_NICE: '30' }, /^\$SCTRACED_NICE 30: out of range -20\.\.19$/m);
  refuses([], { SCTRACED_METRICS_LISTEN: '9464' }, /^\$SCTRACED_METRICS_LISTEN "9464": use HOST:PORT/m);
  refuses(['--idle-timeout', '1.5'], {}, /^--idle-timeout "1\.5": not a whole number$/m);
});

test('every value given is checked, even one a higher source overrides', () => {
  const file = configFile('max-traces: 2000\n');
  refuses(['--config', file, '--max-traces', '4'], {}, /max-traces 2000: out of range 1\.\.64/);
  refuses(['--max-traces', '4'], { SCTRACED_MAX_TRACES: 'x' }, /\$SCTRACED_MAX_TRACES "x"/);
});

test('unknown keys, variables and flags are refused, with the nearest option when one is close', () => {
  const file = configFile('max-trace: 4\nwhatever: 1\n');
  refuses(['--config', file], {}, new RegExp(`${file}: unknown key "max-trace" \\(did you mean max-traces\\?\\)`));
  refuses(['--config', file], {}, new RegExp(`${file}: unknown key "whatever"; the keys are the option names sctraced --help lists`));
  refuses([], { SCTRACED_MAX_TRACE: '4' }, /\$SCTRACED_MAX_TRACE: not an option of sctraced \(did you mean \$SCTRACED_MAX_TRACES\?\)/);
  refuses(['--max-trace', '4'], {}, /--max-trace: not an option of sctraced \(did you mean --max-traces\?\)/);
  refuses(['--max-traces'], {}, /--max-traces needs a value/);
  refuses(['--insecure=yes'], {}, /--insecure takes no value/);
  refuses(['stray'], {}, /unexpected argument "stray": sctraced takes only options/);
});

test('the file must be a mapping, parse, and not be writable by anyone', () => {
  refuses(['--config', configFile('- a\n- b\n')], {}, /expected a mapping of option names to values/);
  refuses(['--config', configFile('max-traces: [\n')], {}, /not JSON or YAML/);
  refuses(['--config', configFile('max-traces: 1\nmax-traces: 2\n')], {}, /not JSON or YAML: .*[Mm]ap keys must be unique/);
  const open = configFile('max-traces: 4\n');
  fs.chmodSync(open, 0o666);
  refuses(['--config', open], {}, /anyone on this host can write to it \(chmod o-w it\)/);
  refuses(['--config', path.join(dir, 'missing.yaml')], {}, /--config .*missing\.yaml: ENOENT/);
  refuses([], { SCTRACED_CONFIG: path.join(dir, 'missing.yaml') }, /\$SCTRACED_CONFIG .*missing\.yaml: ENOENT/);
  assert.equal(load(['--config', configFile('')]).maxTraces, DEFAULTS.maxTraces, 'an empty file sets nothing');
});

test('checks across options name each key as its source gave it', () => {
  const file = configFile('listen: [127.0.0.1:7070]\ntls-cert: c.pem\ntls-client-ca: ca.pem\n');
  refuses(['--config', file], {}, new RegExp(`^${file}: tls-cert needs --tls-key too`));
  refuses([], { SCTRACED_LISTEN: '0.0.0.0:7070' }, /^\$SCTRACED_LISTEN 0\.0\.0\.0:7070: a TCP address would serve trace data without TLS/);
  const mtls = load(['--config', file], { SCTRACED_TLS_KEY: 'k.pem' });
  assert.deepEqual([mtls.tlsCert, mtls.tlsKey, mtls.tlsClientCa], ['c.pem', 'k.pem', 'ca.pem']);
});

test('--help lists every option with its default, from the table the parser reads', () => {
  for (const option of OPTIONS) {
    const line = new RegExp(`^  --${option.name}${option.arg ? ` ${option.arg}` : ''}\\b`, 'm');
    assert.match(USAGE, line, `--help lists --${option.name}`);
    const at = USAGE.search(line);
    const next = USAGE.slice(at + 3).search(/^ {2}-/m);
    const text = USAGE.slice(at, next < 0 ? undefined : at + 3 + next).replace(/\s+/g, ' ');
    assert.ok(text.includes(`(default: ${shownDefault(option)})`), `--${option.name}'s help shows its default: ${text}`);
  }
  assert.equal(parseConfig(['--help']), 'help');
  assert.equal(parseConfig(['-h']), 'help');
});

test('each option\'s default, given through any source, reads back as the default', () => {
  for (const option of OPTIONS) {
    if (option.default === undefined) continue;
    const text = Array.isArray(option.default) ? option.default.join(',') : String(option.default);
    const fromFile = load(['--config', configFile(JSON.stringify({ [option.name]: option.default }), 'json')]);
    const fromEnv = load([], { [envName(option.name)]: text });
    const fromFlag = load(option.arg ? [`--${option.name}=${text}`] : [`--${option.name}`]);
    for (const [source, config] of [['file', fromFile], ['environment', fromEnv], ['flag', fromFlag]] as const) {
      assert.deepEqual(config[option.key], DEFAULTS[option.key], `${option.name} from the ${source}`);
    }
  }
});

test('sizes in MiB are exact up to their maximum (--retention-mb 4096 is 4 GiB, --max-retention-mb 65536 is 64 GiB)', () => {
  assert.equal(load(['--retention-mb', '4096', '--max-retention-mb', '65536', '--retention-total-mb', '8192']).retentionBytes, 4096 * 2 ** 20);
  assert.equal(load(['--retention-total-mb', '65536']).retentionTotalBytes, 2 ** 36);
  assert.equal(load(['--max-retention-mb', '65536']).maxRetentionBytes, 2 ** 36);
  assert.equal(load(['--ring-mb', '1024']).ringBytes, 2 ** 30);
});

test('a default window larger than all windows together is refused, naming both flags', () => {
  assert.throws(() => load(["--retention-mb", "512"]), /--retention-mb 512 is above --retention-total-mb 128/);
});
