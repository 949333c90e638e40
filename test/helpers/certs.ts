/**
 * Certificates made at test time with Debian's openssl (no private key is committed): a CA, a
 * server certificate for 127.0.0.1/localhost, client certificates with a given subject CN, and an
 * unrelated CA whose certificates the service must refuse. EC P-256 keys, valid for one day.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandUnavailableReason } from './privileges';

/** A certificate and its key, as files and as contents. */
export interface KeyPair {
  cert: string;
  key: string;
  certPem: Buffer;
  keyPem: Buffer;
}

/** A throwaway public-key infrastructure in a temporary directory. */
export interface TestPki {
  dir: string;
  /** The CA that signs the server's and the clients' certificates. */
  ca: string;
  caPem: Buffer;
  server: KeyPair;
  /** A client certificate with subject CN=`cn`, signed by the CA (or by the other CA with `foreign`). */
  client(cn: string, options?: { foreign?: boolean }): KeyPair;
  /** A CA that has nothing to do with the service. */
  otherCa: string;
  remove(): void;
}

/** Why certificates cannot be made here, or null. */
export function opensslUnavailableReason(): string | null {
  return commandUnavailableReason(['openssl', 'version'], 'to make test certificates');
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

function newKey(dir: string, name: string): string {
  const key = path.join(dir, `${name}.key`);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key], dir);
  fs.chmodSync(key, 0o600);
  return key;
}

function selfSignedCa(dir: string, name: string): { cert: string; key: string } {
  const key = newKey(dir, name);
  const cert = path.join(dir, `${name}.crt`);
  openssl(['req', '-x509', '-new', '-key', key, '-out', cert, '-days', '1', '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  return { cert, key };
}

function signed(dir: string, name: string, subject: string, ca: { cert: string; key: string }, extensions: string): KeyPair {
  const key = newKey(dir, name);
  const csr = path.join(dir, `${name}.csr`);
  const cert = path.join(dir, `${name}.crt`);
  const ext = path.join(dir, `${name}.ext`);
  fs.writeFileSync(ext, extensions);
  openssl(['req', '-new', '-key', key, '-out', csr, '-subj', subject], dir);
  openssl(['x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-CAcreateserial', '-out', cert, '-days', '1', '-extfile', ext], dir);
  return { cert, key, certPem: fs.readFileSync(cert), keyPem: fs.readFileSync(key) };
}

/** Makes the CA, the server certificate and, on demand, client certificates. */
export function makePki(): TestPki {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sctrace-pki-'));
  const ca = selfSignedCa(dir, 'sctrace-test-ca');
  const other = selfSignedCa(dir, 'unrelated-ca');
  const server = signed(dir, 'server', '/CN=localhost', ca,
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  const clients = new Map<string, KeyPair>();
  return {
    dir,
    ca: ca.cert,
    caPem: fs.readFileSync(ca.cert),
    server,
    otherCa: other.cert,
    client(cn, options = {}) {
      const id = `${options.foreign ? 'foreign-' : ''}${cn}`;
      let pair = clients.get(id);
      if (!pair) {
        const file = `client-${clients.size}`;
        pair = signed(dir, file, `/CN=${cn}`, options.foreign ? other : ca, 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
        clients.set(id, pair);
      }
      return pair;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
