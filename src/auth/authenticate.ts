/**
 * Turns a call's credentials into an identity: a bearer token (`authorization: Bearer TOKEN`
 * metadata), a verified client certificate's subject CN, or the unix socket it came through.
 * A token decides when one is sent; tokens are compared by SHA-256 in constant time against
 * every identity, so neither the comparison nor the search reveals how close a guess was.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import type { Metadata } from '@grpc/grpc-js';
import type { Transport } from '../config/config';
import { ANONYMOUS, LOCAL, type Credential, type Identity } from './identity';

/** What the gate knows about a call when it arrives. */
export interface CallCredentials {
  transport: Transport;
  metadata: Metadata;
  /** The client certificate the TLS handshake verified (mutual TLS only). */
  certificate?: PeerCertificate;
}

/** Who the caller is, or why that cannot be told. */
export type Authentication = { ok: true; identity: Identity; credential: Credential } | { ok: false; reason: string };

/** Authenticates calls against the --auth identities (null: the service has no --auth FILE). */
export class Authenticator {
  private readonly tokens: Identity[];
  private readonly byCn: Map<string, Identity>;

  constructor(private readonly identities: readonly Identity[] | null) {
    this.tokens = (identities ?? []).filter((id) => id.tokenSha256);
    this.byCn = new Map((identities ?? []).filter((id) => id.certCn !== undefined).map((id) => [id.certCn!, id]));
  }

  authenticate(call: CallCredentials): Authentication {
    const header = call.metadata.get('authorization');
    if (header.length > 1) return fail('more than one authorization header');
    if (header.length === 1) {
      const match = /^Bearer[ ]+(\S+)\s*$/i.exec(String(header[0]));
      if (!match) return fail('the authorization metadata must be "Bearer TOKEN"');
      const identity = this.byToken(match[1]);
      return identity ? { ok: true, identity, credential: 'token' } : fail('unknown bearer token');
    }
    switch (call.transport) {
      case 'unix':
        return { ok: true, identity: LOCAL, credential: 'unix-socket' };
      case 'mtls':
        return this.byCertificate(call.certificate);
      case 'tcp':
        return this.identities ? fail('no credentials: send "authorization: Bearer TOKEN"') : { ok: true, identity: ANONYMOUS, credential: 'none' };
      case 'tls':
        return fail('no credentials: send "authorization: Bearer TOKEN"');
    }
  }

  /** The identity whose token hash matches; every hash is compared, whatever matched. */
  private byToken(token: string): Identity | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: Identity | undefined;
    for (const id of this.tokens) {
      if (timingSafeEqual(digest, id.tokenSha256!) && !found) found = id;
    }
    return found;
  }

  /**
   * The identity of a verified client certificate: the --auth identity with its CN or, with no
   * --auth FILE, an admin named by the CN (the CA is then the whole access control).
   */
  private byCertificate(certificate: PeerCertificate | undefined): Authentication {
    const cn = certificate?.subject?.CN as string | string[] | undefined;
    if (cn === undefined || cn === '') return fail('no verified client certificate with a subject CN');
    if (Array.isArray(cn)) return fail('the client certificate has more than one subject CN');
    if (!this.identities) return { ok: true, identity: { name: cn, role: 'admin' }, credential: 'certificate' };
    const identity = this.byCn.get(cn);
    return identity ? { ok: true, identity, credential: 'certificate' } : fail(`client certificate CN ${JSON.stringify(cn)} is no identity of this service`);
  }
}

function fail(reason: string): Authentication {
  return { ok: false, reason };
}
