// The event endpoints: `POST /signup-events` with a signed JSON body `{ eventId, direction, …setup input }` starts
// the customer's setup, and `POST /line-events` with `{ eventId, direction, customerId, operation, confirm? }` queues
// a lifecycle operation on the customer's line (client/line-events.ts); each once per event id, durably. Nothing is started unless the
// request is authentic, fresh, well-formed and valid; every refusal is the 4xx that says why, and only trouble on
// our side (Temporal unreachable) is a 503 the sender should retry.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import type { Duration } from '@temporalio/common';
import { IssueCollector, InputValidationError } from '../domain/issues';
import { parseSetupRequest } from '../domain/setup-request';
import { acceptSignupEvent, type SignupEventAnswer } from '../client/signup-events';
import type { LineEventAnswer } from '../client/line-events';
import type { OperationRequest } from '../domain/line';
import { parseOperationRequest } from '../domain/line-operation-request';
import { rules } from '../domain/rules';
import type { Direction } from '../domain/setup';
import type { JsonLogger } from '../platform/logger';
import { SIGNATURE_HEADER, SignatureError, TIMESTAMP_HEADER, verifySignature } from './signature';

export interface SignupReceiverOptions {
  client: Client;
  taskQueue: string;
  /**
   * The shared HMAC secrets, usually one: an event signed with any of them is accepted, so that a new one can be
   * added, the sender moved over, and the old one dropped without refusing an event. Never logged or echoed.
   */
  secrets: readonly string[];
  host?: string;
  port?: number;
  maxBodyBytes?: number;
  toleranceSeconds?: number;
  /** Applied to setups whose event does not say. */
  opsDecisionTimeout?: Duration;
  logger?: Pick<JsonLogger, 'info' | 'warn'>;
  /** Slow or idle clients are cut off after these (defaults below); and at most this many connections at once. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  keepAliveTimeoutMs?: number;
  maxConnections?: number;
}

export interface SignupReceiver {
  url: string;
  port: number;
  close(): Promise<void>;
}

const DEFAULTS = {
  maxBodyBytes: 64 * 1024,
  // A signup event is small: a client that needs more than this to send its headers or its body is not sending one.
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 256,
  /** A JSON value nested deeper than this is no signup event, and deep recursion must not reach the validators. */
  maxDepth: 16,
};

/** `eventId`: the sender's id of the event, the same on every delivery of it (a webhook id, an outbox row id). */
const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** The body, or a 413 once it passes `limit`, declared or (chunked) as it arrives; the rest is not read. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      reject(new HttpError(413, `body is ${declared} bytes; at most ${limit} are accepted`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        reject(new HttpError(413, `body exceeds ${limit} bytes; at most ${limit} are accepted`));
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function depthOf(value: unknown, limit: number, depth = 0): number {
  if (depth > limit || typeof value !== 'object' || value === null) return depth;
  let deepest = depth;
  for (const child of Object.values(value)) deepest = Math.max(deepest, depthOf(child, limit, depth + 1));
  return deepest;
}

function reply(res: ServerResponse, status: number, body: unknown, { close = false } = {}): void {
  // A refused body may still be arriving: end the connection with the answer rather than read the rest of it.
  res.writeHead(status, { 'content-type': 'application/json', ...(close ? { connection: 'close' } : {}) });
  res.end(JSON.stringify(body));
}

const STATUS_OF: Record<SignupEventAnswer['status'], number> = { accepted: 202, 'already-succeeded': 202, duplicate: 200, conflict: 409 };
/** no-line is the sender's to fix (set the customer up first): a 409, never retried into success by itself. */
const LINE_STATUS_OF: Record<LineEventAnswer['status'], number> = { accepted: 202, duplicate: 200, 'no-line': 409 };

export async function startSignupReceiver(o: SignupReceiverOptions): Promise<SignupReceiver> {
  // Without a secret every event would be refused: that is a mistake to stop at, not a receiver to run.
  if (o.secrets.length === 0 || o.secrets.some((s) => typeof s !== 'string' || s.length === 0)) {
    throw new Error('startSignupReceiver: secrets must hold at least one secret, and none empty');
  }
  const secrets = [...o.secrets];
  const logger = o.logger;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health' && req.method === 'GET') return reply(res, 200, { status: 'ok' });
    if (path !== '/signup-events' && path !== '/line-events') {
      throw new HttpError(404, `no such endpoint ${path}; events go to POST /signup-events or POST /line-events`);
    }
    if (req.method !== 'POST') throw new HttpError(405, `${req.method} not allowed; use POST`);
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
    if (type !== 'application/json') throw new HttpError(415, `content-type ${type || '(none)'}: must be application/json`);

    const body = await readBody(req, o.maxBodyBytes ?? DEFAULTS.maxBodyBytes);
    // Which of the secrets the event was signed with, 1 for the first: the log says it, so a rotation can be followed.
    let signedWith: number;
    try {
      signedWith =
        verifySignature({
          secrets,
          body,
          signature: req.headers[SIGNATURE_HEADER] as string | undefined,
          timestamp: req.headers[TIMESTAMP_HEADER] as string | undefined,
          nowSeconds: Math.floor(Date.now() / 1000),
          toleranceSeconds: o.toleranceSeconds,
        }) + 1;
    } catch (err) {
      if (err instanceof SignatureError) throw new HttpError(401, err.message);
      throw err;
    }
    let event: unknown;
    try {
      event = JSON.parse(body);
    } catch {
      throw new HttpError(400, 'body is not valid JSON');
    }
    if (path === '/line-events') {
      const { eventId, direction, customerId, request } = parseLineEvent(event);
      const { acceptLineEvent } = await import('../client/line-events.js');
      const answer = await acceptLineEvent(o.client, { eventId, direction, customerId, request }, { taskQueue: o.taskQueue });
      logger?.info('line event', { eventId, customerId, direction, kind: request.operation.kind, status: answer.status, signedWith });
      return reply(res, LINE_STATUS_OF[answer.status], answer);
    }
    const { eventId, request } = parseEvent(event, o.opsDecisionTimeout);
    const answer = await acceptSignupEvent(o.client, { eventId, request }, { taskQueue: o.taskQueue });
    logger?.info('signup event', { eventId, customerId: request.input.customerId, direction: request.direction, status: answer.status, workflowId: answer.workflowId, signedWith });
    reply(res, STATUS_OF[answer.status], answer);
  };

  const server = createServer(
    {
      headersTimeout: o.headersTimeoutMs ?? DEFAULTS.headersTimeoutMs,
      requestTimeout: o.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      keepAliveTimeout: o.keepAliveTimeoutMs ?? DEFAULTS.keepAliveTimeoutMs,
      // Node only enforces the two timeouts above when it checks, every 30 s by default.
      connectionsCheckingInterval: Math.min(1_000, o.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs),
    },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        if (res.headersSent) return;
        if (err instanceof HttpError) {
          reply(res, err.status, { error: err.message, ...(err.details ? { issues: err.details } : {}) }, { close: err.status === 413 });
          return;
        }
        // Temporal unreachable or similar: the sender should try again later.
        logger?.warn('signup event not accepted', { error: err instanceof Error ? err.message : String(err) });
        reply(res, 503, { error: 'could not start the setup now; retry later' });
      });
    },
  );
  server.maxConnections = o.maxConnections ?? DEFAULTS.maxConnections;
  const host = o.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    close: () =>
      new Promise((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

/**
 * What every event shares: not nested too deep, an object, and the sender's event id (checked into `c`). The rest
 * of its fields go to the event's own parser; every problem is said at once, as a 422, by `refuseIfAny`.
 */
function eventEnvelope(event: unknown, c: IssueCollector): { eventId: unknown; fields: Record<string, unknown>; isObject: boolean } {
  if (depthOf(event, DEFAULTS.maxDepth) > DEFAULTS.maxDepth) {
    throw new HttpError(422, `body is nested more than ${DEFAULTS.maxDepth} levels deep; an event is a flat object`);
  }
  const isObject = typeof event === 'object' && event !== null && !Array.isArray(event);
  const { eventId, ...fields } = isObject ? (event as Record<string, unknown>) : { eventId: undefined };
  c.check('eventId', eventId, (v) =>
    EVENT_ID.test(v) ? null : "must be the sender's id of this event, the same on every delivery: 1-128 letters, digits and . _ : -",
  );
  return { eventId, fields, isObject };
}

/** Runs an event's own parser, collecting its issues with the envelope's. */
function collect<T>(c: IssueCollector, parse: () => T): T | undefined {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof InputValidationError)) throw err;
    c.issues.push(...err.issues);
    return undefined;
  }
}

function refuseIfAny<T>(c: IssueCollector, parsed: T | undefined): T {
  if (c.issues.length > 0 || parsed === undefined) {
    const error = new InputValidationError(c.issues);
    throw new HttpError(422, error.message, error.issues);
  }
  return parsed;
}

/** The event's id and the setup it asks for. */
function parseEvent(event: unknown, opsDecisionTimeout: Duration | undefined): { eventId: string; request: ReturnType<typeof parseSetupRequest> } {
  const c = new IssueCollector();
  const { eventId, fields, isObject } = eventEnvelope(event, c);
  const request = collect(c, () => parseSetupRequest(isObject ? fields : event, { what: 'body', defaults: { opsDecisionTimeout } }));
  return { eventId: eventId as string, request: refuseIfAny(c, request) };
}

/** A lifecycle event: its id, whose line, and the operation (checked by the one operation parser). */
function parseLineEvent(event: unknown): { eventId: string; direction: Direction; customerId: string; request: OperationRequest } {
  const c = new IssueCollector();
  const { eventId, fields } = eventEnvelope(event, c);
  const { direction, customerId, ...asked } = fields;
  c.check('direction', direction, (v) => (v === 'outbound' || v === 'inbound' ? null : 'must be outbound or inbound'));
  const customer = typeof customerId === 'string' ? customerId.trim() : customerId;
  c.check('customerId', customer, rules.customerId);
  // The event's id is the operation's: the line runs it once however often it is delivered.
  const request = collect(c, () => parseOperationRequest(asked));
  return { eventId: eventId as string, direction: direction as Direction, customerId: customer as string, request: refuseIfAny(c, request) };
}
