/**
 * Server-side TLS from the --tls-* files: the certificate chain and key the service presents, and
 * for mutual TLS the CA client certificates must chain to. The files are read and checked at
 * start, so a missing file or a key that does not belong to the certificate stops the service
 * with a message naming the flag instead of failing every handshake later.
 */
import fs from 'node:fs';
import tls from 'node:tls';
import { ServerCredentials } from '@grpc/grpc-js';

/** The --tls-* flags. */
export interface TlsFiles {
  tlsCert: string;
  tlsKey: string;
  /** Empty: client certificates are not requested. */
  tlsClientCa: string;
}

/** A TLS file is unreadable or its contents do not fit together. */
export class TlsConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsConfigError';
  }
}

/** grpc-js server credentials for `files`; with `mutual`, every client must present a certificate the CA signed. */
export function serverTlsCredentials(files: TlsFiles, mutual: boolean, warn: (message: string) => void): ServerCredentials {
  const cert = readPem('--tls-cert', files.tlsCert, 'CERTIFICATE');
  const key = readPem('--tls-key', files.tlsKey, 'PRIVATE KEY');
  const ca = mutual ? readPem('--tls-client-ca', files.tlsClientCa, 'CERTIFICATE') : null;
  const mode = fs.statSync(files.tlsKey).mode;
  if (mode & 0o077) warn(`--tls-key ${files.tlsKey} can be read by others than its owner (mode ${(mode & 0o777).toString(8)}): chmod 600 it`);
  try {
    // The same checks a handshake would make, now: PEM syntax, and the key matching the certificate.
    tls.createSecureContext({ cert, key, ...(ca ? { ca } : {}) });
  } catch (err) {
    const reason = (err as Error).message;
    const hint = /key values mismatch/i.test(reason) ? ': the --tls-key is not the private key of the --tls-cert certificate' : '';
    throw new TlsConfigError(`TLS files --tls-cert ${files.tlsCert}, --tls-key ${files.tlsKey}${ca ? `, --tls-client-ca ${files.tlsClientCa}` : ''}: ${reason}${hint}`);
  }
  return ServerCredentials.createSsl(ca, [{ cert_chain: cert, private_key: key }], mutual);
}

/** Reads a PEM file, checking it holds a block of `kind` (CERTIFICATE, or any * PRIVATE KEY). */
function readPem(flag: string, file: string, kind: string): Buffer {
  let pem: Buffer;
  try {
    pem = fs.readFileSync(file);
  } catch (err) {
    throw new TlsConfigError(`${flag} ${file}: cannot read it: ${(err as Error).message}`);
  }
  if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(pem.toString('latin1'))) {
    throw new TlsConfigError(`${flag} ${file}: no PEM "${kind}" block in it`);
  }
  return pem;
}
