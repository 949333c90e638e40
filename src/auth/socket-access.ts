/**
 * Access to the unix sockets: their permissions are their access control. Without --socket-group
 * a socket is 0600 (root only); with it, 0660 and owned by that group, so its members can use the
 * service without certificates or tokens. The directory must let the group through as well.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** A group name or number does not resolve. */
export class SocketGroupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SocketGroupError';
  }
}

/** The gid of `group` (a name, resolved through NSS with getent, or a number). */
export function resolveGroup(group: string): number {
  if (/^\d+$/.test(group)) return Number(group);
  let line: string;
  try {
    line = execFileSync('getent', ['group', group], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    throw new SocketGroupError(`--socket-group ${group}: no such group (getent group ${group} found nothing); create it with groupadd or give a gid`);
  }
  const gid = Number(line.split(':')[2]);
  if (!Number.isInteger(gid)) throw new SocketGroupError(`--socket-group ${group}: getent printed "${line.trim()}", no gid in it`);
  return gid;
}

/** Mode of the socket's directory when the service creates it: traversable by the group only if there is one. */
export function socketDirMode(gid: number | undefined): number {
  return gid === undefined ? 0o700 : 0o750;
}

/** Gives the socket its permissions: 0600, or 0660 with group `gid`. */
export function secureSocket(socketPath: string, gid: number | undefined): void {
  if (gid === undefined) {
    fs.chmodSync(socketPath, 0o600);
    return;
  }
  fs.chownSync(socketPath, process.getuid?.() ?? 0, gid);
  fs.chmodSync(socketPath, 0o660);
}

/**
 * Why members of `gid` cannot reach a socket in `dir` (an existing directory the service did not
 * create and leaves alone), or null when they can.
 */
export function directoryBarrier(dir: string, gid: number): string | null {
  const st = fs.statSync(dir);
  const passes = st.mode & 0o001 || (st.gid === gid && st.mode & 0o010);
  if (passes) return null;
  return `${dir} (mode ${(st.mode & 0o777).toString(8)}, group ${st.gid}) does not let group ${gid} through, so its members cannot reach the socket: chgrp ${gid} ${dir} && chmod g+x ${dir}`;
}
