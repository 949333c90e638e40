/**
 * Reads --auth FILE: `{"identities": [{"name", "role", "token_sha256" | "cert_cn", "scope"?}, …]}`
 * in JSON or YAML (parsed by the `yaml` library, which reads JSON as the YAML subset it is and,
 * unlike JSON.parse, refuses a key given twice). Every field is checked and every unknown key is
 * an error: a typo such as "scopes" must stop the service, not grant an unscoped identity.
 */
import { readSettingsFile } from '../util/files';
import { RESERVED_NAMES, ROLES, type Identity, type Role, type Scope } from './identity';

/** The file is unreadable or an entry is wrong; the message names the entry and the field. */
export class IdentitiesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdentitiesError';
  }
}

const ENTRY_KEYS = ['name', 'role', 'token_sha256', 'cert_cn', 'scope'];
const SCOPE_KEYS = ['uids', 'cgroup_ids', 'comms'];
const UINT64_MAX = (1n << 64n) - 1n;

/** Loads and checks the identities in `file`. */
export function loadIdentities(file: string): Identity[] {
  let doc: unknown;
  try {
    doc = readSettingsFile(file);
  } catch (err) {
    throw new IdentitiesError(`--auth ${file}: ${(err as Error).message}`);
  }
  return parseIdentities(doc, `--auth ${file}`);
}

/** Checks a parsed document; `where` prefixes every message. */
export function parseIdentities(doc: unknown, where: string): Identity[] {
  if (!isObject(doc) || !Array.isArray(doc.identities)) throw new IdentitiesError(`${where}: expected {"identities": [...]}`);
  unknownKeys(doc, ['identities'], where);
  if (doc.identities.length === 0) throw new IdentitiesError(`${where}: "identities" is empty: nobody could call the service`);
  const identities = doc.identities.map((entry, i) => parseEntry(entry, `${where}: identities[${i}]`));
  const seen = new Map<string, string>();
  for (const id of identities) {
    for (const [kind, value] of [['name', id.name], ['token_sha256', id.tokenSha256?.toString('hex')], ['cert_cn', id.certCn]] as const) {
      if (value === undefined) continue;
      const key = `${kind}\0${value}`;
      const other = seen.get(key);
      if (other) throw new IdentitiesError(`${where}: identities "${other}" and "${id.name}" have the same ${kind}`);
      seen.set(key, id.name);
    }
  }
  return identities;
}

function parseEntry(entry: unknown, where: string): Identity {
  if (!isObject(entry)) throw new IdentitiesError(`${where}: expected an object with "name" and "role"`);
  const name = entry.name;
  if (typeof name !== 'string' || !/^[\x21-\x7e][\x20-\x7e]{0,63}$/.test(name)) {
    throw new IdentitiesError(`${where}: "name" must be 1 to 64 printable ASCII characters`);
  }
  const at = `${where} ("${name}")`;
  if (RESERVED_NAMES.includes(name)) throw new IdentitiesError(`${at}: the name "${name}" is reserved for the service's built-in identity`);
  unknownKeys(entry, ENTRY_KEYS, at);
  const role = entry.role;
  if (typeof role !== 'string' || !ROLES.includes(role as Role)) throw new IdentitiesError(`${at}: "role" must be ${ROLES.join(', ')}; got ${JSON.stringify(role)}`);
  const identity: Identity = { name, role: role as Role };
  if (entry.token_sha256 !== undefined) {
    if (typeof entry.token_sha256 !== 'string' || !/^[0-9a-fA-F]{64}$/.test(entry.token_sha256)) {
      throw new IdentitiesError(`${at}: "token_sha256" must be 64 hex digits, the SHA-256 of the token (e.g. printf %s "$TOKEN" | sha256sum)`);
    }
    identity.tokenSha256 = Buffer.from(entry.token_sha256, 'hex');
  }
  if (entry.cert_cn !== undefined) {
    if (typeof entry.cert_cn !== 'string' || entry.cert_cn === '') throw new IdentitiesError(`${at}: "cert_cn" must be a client certificate's subject CN`);
    identity.certCn = entry.cert_cn;
  }
  if (!identity.tokenSha256 && identity.certCn === undefined) throw new IdentitiesError(`${at}: give "token_sha256" or "cert_cn" (or both): how does it authenticate?`);
  if (entry.scope !== undefined) {
    if (identity.role === 'admin') throw new IdentitiesError(`${at}: an admin may do everything, so it has no "scope"; make it an operator or a viewer`);
    identity.scope = parseScope(entry.scope, `${at}: scope`);
  }
  return identity;
}

function parseScope(scope: unknown, where: string): Scope {
  if (!isObject(scope)) throw new IdentitiesError(`${where}: expected an object with ${SCOPE_KEYS.join(', ')}`);
  unknownKeys(scope, SCOPE_KEYS, where);
  const list = (key: string): unknown[] | undefined => {
    const value = scope[key];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0) {
      throw new IdentitiesError(`${where}.${key}: must be a non-empty list (leave "${key}" out for no restriction)`);
    }
    return value;
  };
  const result: Scope = {};
  const uids = list('uids');
  if (uids) {
    result.uids = uids.map((uid) => {
      if (!Number.isInteger(uid) || (uid as number) < 0 || (uid as number) > 0xffff_ffff) throw new IdentitiesError(`${where}.uids: ${JSON.stringify(uid)} is not a uid`);
      return uid as number;
    });
  }
  const cgroups = list('cgroup_ids');
  if (cgroups) {
    result.cgroupIds = cgroups.map((id) => {
      // Large ids lose precision as JSON/YAML numbers: those must be written as strings.
      const ok = (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) || (typeof id === 'string' && /^\d+$/.test(id) && BigInt(id) <= UINT64_MAX);
      if (!ok) throw new IdentitiesError(`${where}.cgroup_ids: ${JSON.stringify(id)} is not a cgroup id (ids above 2^53 must be quoted strings)`);
      return BigInt(id as number | string).toString();
    });
  }
  const comms = list('comms');
  if (comms) {
    result.comms = comms.map((comm) => {
      if (typeof comm !== 'string' || Buffer.byteLength(comm) === 0 || Buffer.byteLength(comm) > 15) {
        throw new IdentitiesError(`${where}.comms: ${JSON.stringify(comm)} must be a task name of 1 to 15 bytes`);
      }
      return comm;
    });
  }
  if (Object.keys(result).length === 0) throw new IdentitiesError(`${where}: is empty; leave "scope" out for no restriction`);
  return result;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unknownKeys(value: Record<string, unknown>, known: string[], where: string): void {
  const unknown = Object.keys(value).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw new IdentitiesError(`${where}: unknown key ${JSON.stringify(unknown[0])}; the keys are ${known.join(', ')}`);
}
