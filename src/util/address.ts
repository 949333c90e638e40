/** Network addresses as flags give them. */

/** `HOST:PORT` or `[V6]:PORT` split into host (brackets removed) and port; null if malformed. */
export function splitHostPort(address: string): { host: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:]+\]|[^:\s[\]]+):(\d{1,5})$/.exec(address);
  if (!m || Number(m[2]) > 65535) return null;
  return { host: m[1].replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) };
}
