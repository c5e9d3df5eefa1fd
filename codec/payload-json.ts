// Payloads as the codec HTTP protocol carries them: `{ "payloads": [{ "metadata": { "<k>": "<base64>" }, "data": "<base64>" }] }`,
// i.e. temporal.api.common.v1.Payloads in proto JSON, as sent by the Temporal UI and CLI.
import type { Payload } from '@temporalio/common';
import { fromBase64 } from './base64';

export interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
  /** Fields this server does not interpret (e.g. externalPayloads) travel back unchanged on pass-through. */
  [field: string]: unknown;
}

export class PayloadJsonError extends Error {
  override readonly name = 'PayloadJsonError';
}

const SHAPE = 'expected { "payloads": [{ "metadata": { "<key>": "<base64>" }, "data": "<base64>" }] }';

/** Parses a request body; `{}` is an empty list, as Go's encoder writes it. */
export function payloadsFromJson(body: unknown): { json: JsonPayload[]; payloads: Payload[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new PayloadJsonError(`the body is not an object: ${SHAPE}`);
  const list = (body as { payloads?: unknown }).payloads ?? [];
  if (!Array.isArray(list)) throw new PayloadJsonError(`"payloads" is not a list: ${SHAPE}`);
  const json = list.map((item, i) => checkPayload(item, i));
  return { json, payloads: json.map(fromJsonPayload) };
}

export function payloadToJson(payload: Payload): JsonPayload {
  const json: JsonPayload = {};
  const entries = Object.entries(payload.metadata ?? {});
  if (entries.length > 0) json.metadata = Object.fromEntries(entries.map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]));
  if (payload.data && payload.data.length > 0) json.data = Buffer.from(payload.data).toString('base64');
  return json;
}

function checkPayload(item: unknown, i: number): JsonPayload {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) throw new PayloadJsonError(`payloads[${i}] is not an object: ${SHAPE}`);
  const { metadata, data } = item as { metadata?: unknown; data?: unknown };
  if (metadata !== undefined && metadata !== null) {
    if (typeof metadata !== 'object' || Array.isArray(metadata)) throw new PayloadJsonError(`payloads[${i}].metadata is not an object: ${SHAPE}`);
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string' || !fromBase64(v)) throw new PayloadJsonError(`payloads[${i}].metadata[${JSON.stringify(k)}] is not a base64 string`);
    }
  }
  if (data !== undefined && data !== null && (typeof data !== 'string' || !fromBase64(data))) {
    throw new PayloadJsonError(`payloads[${i}].data is not a base64 string`);
  }
  return item as JsonPayload;
}

function fromJsonPayload({ metadata, data }: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, fromBase64(v) as Buffer])),
    ...(data ? { data: fromBase64(data) } : {}),
  };
}
