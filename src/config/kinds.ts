/**
 * The kinds of value sctraced's options take, as zod schemas. A schema checks a value as a config
 * file holds it (a YAML/JSON number, string, boolean or list) and gives it in the unit the
 * service uses (seconds → ms, MiB → bytes); `fromText` first turns a flag's or environment
 * variable's text (or a string in the file) into such a value, strictly: text that does not parse
 * is passed on unchanged, so the schema refuses it with the message users see. Messages say what
 * is accepted; config.ts puts the key, its source and the value in front.
 */
import os from 'node:os';
import { z } from 'zod';
import { splitHostPort } from '../util/address';

/** One option's value: how it is written and checked. */
export interface Kind<T> {
  readonly schema: z.ZodType<T>;
  fromText(text: string): unknown;
  /** The value of an option that is not set and has no default ("none"). */
  readonly none?: T;
}

/**
 * A message that already reads after the key alone (`--tls-cert needs a file name`), without the
 * value in between: set as a refinement's params.
 */
export const BARE = { bare: true } as const;

const WHOLE = 'not a whole number';

/** Whole numbers min..max, times `scale` in the config (1000 for seconds → ms, 2^20 for MiB → bytes). */
export function int(min: number, max: number, scale = 1, signed = false): Kind<number> {
  return {
    schema: range(min, max).transform((n) => n * scale),
    fromText: (text) => ((signed ? /^-?\d+$/ : /^\d+$/).test(text) ? Number(text) : text),
  };
}

/** Like int(), also a power of two (ring sizes). */
export function powerOfTwo(min: number, max: number, scale: number): Kind<number> {
  return {
    schema: range(min, max)
      .refine((n) => (n & (n - 1)) === 0, { error: `must be a power of two (${min}, ${min * 2}, ${min * 4}, ... ${max})` })
      .transform((n) => n * scale),
    fromText: int(min, max).fromText,
  };
}

function range(min: number, max: number) {
  const error = `out of range ${min}..${max}`;
  return z.int({ error: WHOLE }).min(min, { error }).max(max, { error });
}

/** One of `values`. */
export function oneOf<const T extends string>(values: readonly T[]): Kind<T> {
  const error = `use ${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
  return { schema: z.enum(values as [T, ...T[]], { error }), fromText: (text) => text };
}

/** On or off: true/false in a file, true, false, 1 or 0 as text; a flag without a value. */
export function bool(): Kind<boolean> {
  const words: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };
  return { schema: z.boolean({ error: 'use true or false' }), fromText: (text) => words[text.toLowerCase()] ?? text, none: false };
}

/** A file name; unset is none (''). */
export function file(): Kind<string> {
  return {
    schema: z.string({ error: 'use a file name' }).refine((s) => s.trim() !== '', { error: 'needs a file name', params: BARE }),
    fromText: (text) => text,
    none: '',
  };
}

/** Any text; unset is ''. */
export function text(): Kind<string> {
  return { schema: z.string({ error: 'use a string' }), fromText: (t) => t, none: '' };
}

/** A node's name: 1 to 253 characters without spaces (surrounding blanks are trimmed). */
export function nodeName(): Kind<string> {
  const error = 'use 1 to 253 characters without spaces';
  // Unset, it is the host name as the system gives it (taken as it is, even empty).
  return { schema: z.string({ error }).trim().min(1, { error }).max(253, { error }).regex(/^\S+$/, { error }), fromText: (t) => t, none: os.hostname() };
}

/** A group name or number (--socket-group). */
export function group(): Kind<string> {
  return {
    schema: z.string({ error: 'not a group name or number' }).regex(/^[A-Za-z0-9_.][A-Za-z0-9_.-]*\$?$/, { error: 'not a group name or number' }),
    fromText: (t) => t,
    none: '',
  };
}

/** HOST:PORT of a TCP listener; unset is none (''). */
export function hostPort(): Kind<string> {
  const error = 'use HOST:PORT, e.g. 0.0.0.0:9464 or [::]:9464';
  return { schema: z.string({ error }).refine((s) => splitHostPort(s) !== null, { error }), fromText: (t) => t, none: '' };
}

/**
 * gRPC listen addresses, `unix:/path` or `host:port`: a list in a file (or one string), one per
 * flag (repeatable), comma-separated in the environment. Duplicates are dropped.
 */
export function addresses(): Kind<string[]> {
  const address = z
    .string({ error: 'use unix:/path or host:port' })
    .refine((a) => a !== 'unix:', { error: 'unix: needs a socket path, e.g. unix:/run/sctrace/sctrace.sock', params: BARE })
    .refine((a) => a.startsWith('unix:') || splitHostPort(a) !== null, { error: 'use unix:/path or host:port' });
  return {
    schema: z.preprocess(
      (v) => (typeof v === 'string' ? [v] : v),
      z
        .array(address, { error: 'use a list of unix:/path or host:port addresses' })
        .min(1, { error: 'needs at least one address' })
        .transform((list) => [...new Set(list)]),
    ),
    fromText: (t) => t.split(',').map((a) => a.trim()),
  };
}
