// Decodes a JSON body the way Exotel's Go backend does: unknown fields are ignored, null is "absent",
// and a value of the wrong JSON type fails the whole request with 1007 and Go's own error text
// (observed: "json: cannot unmarshal number -1 into Go struct field CreateWhitelistipsRequest.mask of type uint8").

import { unparsable } from './envelopes';

type Scalar = 'string' | 'uint8' | 'int';
export interface ObjectSchema {
  [field: string]: Scalar | { items: ObjectSchema; goType: string };
}

export type Decoded<S extends ObjectSchema> = {
  [K in keyof S]?: S[K] extends 'string'
    ? string
    : S[K] extends 'uint8' | 'int'
      ? number
      : S[K] extends { items: infer I extends ObjectSchema }
        ? Decoded<I>[]
        : never;
};

const jsonType = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;

/** Parses the raw body as JSON; empty or malformed input is 1007. */
export function parseJson(raw: string): unknown {
  if (raw.trim() === '') throw unparsable('EOF');
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = Number(/position (\d+)/.exec(message)?.[1] ?? NaN);
    const truncated = /end of (JSON|data)/i.test(message) || position >= raw.trimEnd().length;
    // Go reports a truncated document as "unexpected EOF"; other syntax errors keep Node's wording [I].
    throw unparsable(truncated ? 'unexpected EOF' : message);
  }
}

/**
 * Checks `value` against `schema`, naming the Go struct the way Exotel's errors do.
 * [I] Only CreateWhitelistipsRequest is an observed struct name; the others follow its pattern.
 */
export function decodeObject<S extends ObjectSchema>(value: unknown, schema: S, goType: string): Decoded<S> {
  if (jsonType(value) !== 'object') {
    throw unparsable(`json: cannot unmarshal ${jsonType(value)} into Go value of type ${goType}`);
  }
  const input = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [field, type] of Object.entries(schema)) {
    const v = input[field];
    if (v === undefined || v === null) continue;
    const fail = (shown: string, goFieldType: string): never => {
      throw unparsable(`json: cannot unmarshal ${shown} into Go struct field ${goType}.${field} of type ${goFieldType}`);
    };
    if (type === 'string') {
      if (typeof v !== 'string') fail(jsonType(v), 'string');
      out[field] = v;
    } else if (type === 'uint8' || type === 'int') {
      if (typeof v !== 'number') fail(jsonType(v), type);
      const n = v as number;
      const fits = Number.isInteger(n) && (type === 'int' ? Number.isSafeInteger(n) : n >= 0 && n <= 255);
      if (!fits) fail(`number ${n}`, type);
      out[field] = n;
    } else {
      if (!Array.isArray(v)) fail(jsonType(v), `[]${type.goType}`);
      out[field] = (v as unknown[]).map((item) => {
        if (jsonType(item) !== 'object') fail(jsonType(item), type.goType);
        return decodeObject(item, type.items, type.goType);
      });
    }
  }
  return out as Decoded<S>;
}
