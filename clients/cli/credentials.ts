/**
 * How a client proves who it is and checks the server: TLS with a CA, a client certificate for
 * mutual TLS (--tls-ca, --tls-cert, --tls-key), and a bearer token (--token-file FILE, else
 * $SCTRACE_TOKEN) sent as `authorization: Bearer TOKEN` on every call. On a TCP address any of
 * these means TLS (system CAs unless --tls-ca), so a token never travels in plaintext; a unix
 * socket is never encrypted (its permissions protect it) but may carry a token. Kept apart from
 * the CLI's commands so other TypeScript clients can build their channels the same way.
 */
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';

/** Environment variable holding a bearer token, when --token-file is not given. */
export const TOKEN_ENV = 'SCTRACE_TOKEN';

/** The credential flags. */
export interface CredentialOptions {
  /** PEM file of the CA that signed the server's certificate (default: the system's CAs). */
  tlsCa?: string;
  /** PEM files of the client certificate and its key, for mutual TLS. */
  tlsCert?: string;
  tlsKey?: string;
  /** File whose content is the bearer token. */
  tokenFile?: string;
}

/** The credentials are contradictory or unreadable; the message names the flag. */
export class CredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CredentialError';
  }
}

/** What a channel to `address` is built with. */
export interface ChannelSecurity {
  credentials: grpc.ChannelCredentials;
  options: grpc.ClientOptions;
  /** The channel is TLS. */
  tls: boolean;
  /** Calls carry a bearer token. */
  token: boolean;
  /** The address is a unix socket. */
  unix: boolean;
}

/** The credential flags of a parseArgs result (COMMON_OPTIONS' names, command.ts). */
export function credentialFlags(values: { 'tls-ca'?: string; 'tls-cert'?: string; 'tls-key'?: string; 'token-file'?: string }): CredentialOptions {
  return { tlsCa: values['tls-ca'], tlsCert: values['tls-cert'], tlsKey: values['tls-key'], tokenFile: values['token-file'] };
}

/** `own` flags where given, else `fallback`'s (a command's flags over the global ones). */
export function withFallback(own: CredentialOptions, fallback: CredentialOptions): CredentialOptions {
  return {
    tlsCa: own.tlsCa ?? fallback.tlsCa,
    tlsCert: own.tlsCert ?? fallback.tlsCert,
    tlsKey: own.tlsKey ?? fallback.tlsKey,
    tokenFile: own.tokenFile ?? fallback.tokenFile,
  };
}

/** The channel credentials and options for `address` (unix:… or host:port). */
export function channelSecurity(address: string, flags: CredentialOptions, env: NodeJS.ProcessEnv = process.env): ChannelSecurity {
  const token = readToken(flags, env);
  const options: grpc.ClientOptions = token === undefined ? {} : { interceptors: [bearerInterceptor(token)] };
  const unix = address.startsWith('unix:');
  const tlsFlag = flags.tlsCa ? '--tls-ca' : flags.tlsCert ? '--tls-cert' : flags.tlsKey ? '--tls-key' : undefined;
  if (unix) {
    if (tlsFlag) throw new CredentialError(`${tlsFlag}: ${address} is a unix socket, which is not encrypted; TLS needs a host:port address`);
    return { credentials: grpc.credentials.createInsecure(), options, tls: false, token: token !== undefined, unix };
  }
  if (!tlsFlag && token === undefined) return { credentials: grpc.credentials.createInsecure(), options, tls: false, token: false, unix };
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw new CredentialError(`${flags.tlsCert ? '--tls-cert needs --tls-key' : '--tls-key needs --tls-cert'}: a client certificate goes with its private key`);
  }
  const ca = flags.tlsCa === undefined ? null : readPem('--tls-ca', flags.tlsCa);
  const key = flags.tlsKey === undefined ? null : readPem('--tls-key', flags.tlsKey);
  const cert = flags.tlsCert === undefined ? null : readPem('--tls-cert', flags.tlsCert);
  return { credentials: grpc.credentials.createSsl(ca, key, cert), options, tls: true, token: token !== undefined, unix };
}

/**
 * What to do about a failed call, when credentials are the likely cause: UNAUTHENTICATED asks for
 * a token or certificate; a TLS failure while connecting asks for the right CA or certificate.
 */
export function credentialHint(cause: grpc.ServiceError, security: ChannelSecurity | undefined): string | undefined {
  if (cause.code === grpc.status.UNAUTHENTICATED) {
    return security?.token
      ? 'the service does not know this token: check --token-file / $SCTRACE_TOKEN'
      : `the service wants credentials: pass --token-file FILE or set ${TOKEN_ENV} (over TLS), or a client certificate with --tls-cert and --tls-key`;
  }
  if (cause.code === grpc.status.PERMISSION_DENIED) return 'ask the service\'s administrator for an identity whose role and scope allow this';
  // A unix socket is never TLS; and case matters: a socket path may well contain "tls".
  if (cause.code !== grpc.status.UNAVAILABLE || security === undefined || security.unix) return undefined;
  if (/certificate|SSL|TLS|handshake|alert/.test(cause.details ?? '')) {
    return security?.tls
      ? 'the TLS handshake failed: pass the CA that signed sctraced\'s certificate with --tls-ca, and for mutual TLS a client certificate it accepts (--tls-cert, --tls-key)'
      : 'the server may want TLS: pass --tls-ca FILE (and --tls-cert/--tls-key for mutual TLS)';
  }
  return undefined;
}

function readToken(flags: CredentialOptions, env: NodeJS.ProcessEnv): string | undefined {
  let token: string;
  let from: string;
  if (flags.tokenFile !== undefined) {
    from = `--token-file ${flags.tokenFile}`;
    try {
      token = readFileSync(flags.tokenFile, 'utf8');
    } catch (err) {
      throw new CredentialError(`${from}: cannot read it: ${(err as Error).message}`);
    }
  } else if (env[TOKEN_ENV]) {
    from = `$${TOKEN_ENV}`;
    token = env[TOKEN_ENV]!;
  } else {
    return undefined;
  }
  token = token.trim();
  if (!/^[\x21-\x7e]+$/.test(token)) throw new CredentialError(`${from}: the token must be one word of printable ASCII`);
  return token;
}

function readPem(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CredentialError(`${flag} ${file}: cannot read it: ${(err as Error).message}`);
  }
}

/** Adds the bearer token to every call's metadata. */
function bearerInterceptor(token: string): grpc.Interceptor {
  return (options, nextCall) =>
    new grpc.InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        metadata.set('authorization', `Bearer ${token}`);
        next(metadata, listener);
      },
    });
}
