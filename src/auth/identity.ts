/**
 * Who calls the service and what it may do: identities (from --auth FILE, or built in for the
 * unix socket, plaintext TCP and client certificates without a file), their roles and scopes, and
 * the Caller the gate attaches to every admitted call.
 */
import type { Transport } from '../config/config';

/** What an identity may do, from least to most. */
export type Role = 'viewer' | 'operator' | 'admin';

export const ROLES: readonly Role[] = ['viewer', 'operator', 'admin'];

/**
 * The processes an identity's traces are confined to, as the kernel filters see them: real uid,
 * cgroup id (Task.cgroup_id), task name. A field that is absent does not confine.
 */
export interface Scope {
  uids?: number[];
  /** Decimal, as TraceSpec.cgroup_ids carries them. */
  cgroupIds?: string[];
  comms?: string[];
}

/** One identity. */
export interface Identity {
  name: string;
  role: Role;
  scope?: Scope;
  /** SHA-256 of its bearer token (32 bytes). */
  tokenSha256?: Buffer;
  /** Subject CN of its client certificate. */
  certCn?: string;
}

/** How a caller proved who it is. */
export type Credential = 'unix-socket' | 'token' | 'certificate' | 'none';

/** An authenticated call's originator. */
export interface Caller {
  identity: Identity;
  credential: Credential;
  /** Where the call came from, for the audit log: unix:/path, or ADDRESS:PORT. */
  peer: string;
  transport: Transport;
}

/** Callers of the unix sockets that present no token: the socket's permissions let them in. */
export const LOCAL: Identity = { name: 'local', role: 'admin' };

/** Callers of a plaintext TCP address (--insecure) of a service without --auth. */
export const ANONYMOUS: Identity = { name: 'anonymous', role: 'admin' };

/** Names the service gives its built-in identities, which a file may not reuse. */
export const RESERVED_NAMES: readonly string[] = [LOCAL.name, ANONYMOUS.name];
