// The shared base of the voice-AI platform stand-ins (retell.ts, elevenlabs.ts): a real HTTP server on 127.0.0.1,
// the /_admin API (state, request log, reset, faults), fault matching and a strict JSON body checker. A platform
// supplies only its routes, its authentication and its envelopes.
//
// Pipeline of a platform request: log → fault (drop, status, latency) → route → auth → JSON body → handler →
// (commit-then-fail: the handler's write stays, the answer is replaced by a failure). It reuses the Exotel
// simulator's fault registry and path rule (../faults.ts), masked request log (../request-log.ts), admin Host/Origin
// checks and filters (../admin-api.ts), body reading (../server.ts) and admin client (../admin-client.ts).

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminHosts, parseBody, parseFilter, refuseForeignCaller } from '../admin-api';
import { SimulatorAdmin } from '../admin-client';
import { answerUnderFault, FaultRegistry, parseFaultSpec } from '../faults';
import { SeededRandom } from '../random';
import { RequestLog } from '../request-log';
import { readBody, send, type IncomingBody } from '../server';
import type { ActiveFault, FaultSpec, LoggedRequest, RequestLogFilter } from '../types';

/** What a stand-in answers: no body (undefined) is sent as an empty response, e.g. a 204. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Thrown by a handler to answer with the platform's own error envelope. */
export class PlatformRefusal extends Error {
  constructor(readonly reply: Reply) {
    super(`refused with ${reply.status}`);
  }
}

export interface RouteRequest {
  /** The route pattern's capture groups, percent-decoded. */
  params: string[];
  query: URLSearchParams;
  /** The parsed JSON body; undefined when none was sent. */
  body: unknown;
}

export interface Route {
  method: string;
  /** Tested against the whole pathname; its groups become `params`. */
  path: RegExp;
  handle(request: RouteRequest): Reply;
}

/** What /_admin/state answers. */
export interface StandInState<PhoneNumber> {
  /** In import order, as the platform would answer them (passwords never held: only whether one is set). */
  numbers: PhoneNumber[];
  agents: { agent_id: string; agent_name: string }[];
}

export interface Platform<PhoneNumber> {
  apiKey: string;
  agents: SeededAgents;
  routes: Route[];
  /** The platform's refusal of the request's credentials, or null when they are good. */
  authenticate(headers: IncomingHttpHeaders): Reply | null;
  /** The platform's envelope for a failure it answers on its own: injected faults, commit-then-fail, bugs. */
  failure(status: number, message: string): Reply;
  /** No route has this method and path. */
  unknownRoute(method: string, path: string): Reply;
  /** The body is not JSON. */
  unparsable(raw: string, error: Error): Reply;
  numbers(): PhoneNumber[];
  /** Back to the seeded state: no numbers (the seeded agents stay). */
  reset(): void;
}

export interface StandInOptions {
  /** Default 0: a free port. The stand-ins listen on 127.0.0.1 only. */
  port?: number;
  /** Seeds the ids and fault probabilities. */
  seed?: number;
  /** The key the SDK must send; a random one of the platform's form if omitted. */
  apiKey?: string;
  /** Agents that exist, so numbers can be bound to them. */
  agents?: SeededAgent[];
}

/** An agent the stand-in knows from the start: an id alone, or an id with the name the platform shows. */
export type SeededAgent = string | { id: string; name?: string };

/** The agents a stand-in knows: numbers may be bound only to these. */
export class SeededAgents {
  private readonly names: Map<string, string>;

  constructor(agents: readonly SeededAgent[] = []) {
    this.names = new Map(agents.map((a) => (typeof a === 'string' ? [a, a] : [a.id, a.name ?? a.id])));
  }

  /** The agent's name; undefined for an agent that does not exist. */
  name(id: string): string | undefined {
    return this.names.get(id);
  }

  list(): { agent_id: string; agent_name: string }[] {
    return [...this.names].map(([agent_id, agent_name]) => ({ agent_id, agent_name }));
  }
}

/** /_admin over HTTP, through the Exotel simulator's client (same routes). */
export interface StandInAdmin<State> {
  state(): Promise<State>;
  /** Oldest first; bodies with passwords, secrets and keys masked as "***"; headers never recorded. */
  requests(filter?: RequestLogFilter): Promise<LoggedRequest[]>;
  clearRequests(): Promise<void>;
  /** No numbers, the seeded agents, an empty request log, no faults. */
  reset(): Promise<void>;
  addFault(fault: FaultSpec): Promise<{ id: string }>;
  faults(): Promise<ActiveFault[]>;
  removeFault(id: string): Promise<void>;
  clearFaults(): Promise<void>;
}

export interface RunningStandIn<PhoneNumber> {
  /** The base URL to give the SDK. */
  url: string;
  apiKey: string;
  admin: StandInAdmin<StandInState<PhoneNumber>>;
  close(): Promise<void>;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function reply(res: ServerResponse, answer: Reply): void {
  if (answer.body !== undefined) {
    send(res, answer.status, answer.body, answer.headers);
    return;
  }
  if (res.destroyed || res.headersSent) return;
  res.writeHead(answer.status, answer.headers ?? {});
  res.end();
}

class StandIn<PhoneNumber> {
  readonly log = new RequestLog();
  readonly faults: FaultRegistry;
  readonly closing = new AbortController();
  adminHosts: string[] = [];

  constructor(
    readonly platform: Platform<PhoneNumber>,
    random: SeededRandom,
  ) {
    this.faults = new FaultRegistry(random);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://stand-in.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);

    if (url.pathname === '/_admin' || url.pathname.startsWith('/_admin/')) {
      reply(res, refuseForeignCaller(this.adminHosts, req.headers.host, req.headers.origin) ?? this.admin(method, url, body.text));
      return;
    }

    const entry = this.log.start({ account: null, method, path: url.pathname, query: url.searchParams, rawBody: body.tooLarge ? '' : body.text });
    const fault = this.faults.take({ method, path: url.pathname, account: null });
    const outcome = await answerUnderFault(fault, {
      socket: req.socket,
      closing: this.closing.signal,
      refused: (f) => {
        const failed = this.platform.failure(f.status ?? 500, 'injected fault');
        return f.status === 429 ? { ...failed, headers: { ...failed.headers, 'Retry-After': String(f.retryAfterSeconds ?? 1) } } : failed;
      },
      failedAfterApplying: (status) => this.platform.failure(status, 'injected fault after the request was applied'),
      answer: () => this.answer(method, url, req.headers, body),
    });
    if (outcome === 'abandoned') return;
    if ('dropped' in outcome) {
      this.log.finish(entry, null, outcome.dropped);
      return;
    }
    reply(res, outcome.send);
    this.log.finish(entry, outcome.send.status, outcome.outcome);
  }

  private answer(method: string, url: URL, headers: IncomingHttpHeaders, body: IncomingBody): Reply {
    const { platform } = this;
    const found = platform.routes
      .filter((r) => r.method === method)
      .map((route) => ({ route, match: route.path.exec(url.pathname) }))
      .find((candidate) => candidate.match !== null);
    if (found?.match == null) return platform.unknownRoute(method, url.pathname);
    const { route } = found;
    const params = found.match.slice(1).map((p) => safeDecode(p ?? ''));
    const refused = platform.authenticate(headers);
    if (refused) return refused;
    if (body.tooLarge) return platform.failure(413, 'request body too large');
    let parsed: unknown;
    if (BODY_METHODS.has(method) && body.text.trim() !== '') {
      try {
        parsed = JSON.parse(body.text) as unknown;
      } catch (error) {
        return platform.unparsable(body.text, error instanceof Error ? error : new Error(String(error)));
      }
    }
    try {
      return route.handle({ params, query: url.searchParams, body: parsed });
    } catch (error) {
      if (error instanceof PlatformRefusal) return error.reply;
      throw error;
    }
  }

  private admin(method: string, url: URL, raw: string): Reply {
    const key = `${method} ${url.pathname.replace(/\/+$/, '')}`;
    const ok = { status: 200, body: { ok: true } };
    try {
      switch (key) {
        case 'GET /_admin/health':
          return { status: 200, body: { status: 'ok' } };
        case 'GET /_admin/state':
          return { status: 200, body: { numbers: this.platform.numbers(), agents: this.platform.agents.list() } };
        case 'GET /_admin/requests':
          return { status: 200, body: this.log.list(parseFilter(url.searchParams)) };
        case 'DELETE /_admin/requests':
          this.log.clear();
          return ok;
        case 'POST /_admin/reset':
          this.platform.reset();
          this.log.clear();
          this.faults.clear();
          return ok;
        case 'GET /_admin/faults':
          return { status: 200, body: this.faults.list() };
        case 'POST /_admin/faults': {
          const spec = parseFaultSpec(parseBody(raw));
          if (spec.account !== undefined) throw new Error('fault.account is for the Exotel simulator: a stand-in has no accounts');
          return { status: 201, body: this.faults.add(spec) };
        }
        case 'DELETE /_admin/faults':
          this.faults.clear();
          return ok;
      }
      const faultId = /^DELETE \/_admin\/faults\/([^/]+)$/.exec(key)?.[1];
      if (faultId !== undefined) return this.faults.remove(faultId) ? ok : { status: 404, body: { error: `no fault ${faultId}` } };
      return { status: 404, body: { error: `no admin route ${key}` } };
    } catch (error) {
      return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
    }
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export async function startStandIn<PhoneNumber>(
  build: (random: SeededRandom) => Platform<PhoneNumber>,
  options: StandInOptions = {},
): Promise<RunningStandIn<PhoneNumber>> {
  const host = '127.0.0.1';
  const random = new SeededRandom(options.seed);
  const standIn = new StandIn(build(random), random);
  const server = createServer((req, res) => {
    standIn.handle(req, res).catch((error: unknown) => {
      // A bug in the stand-in must still answer something the SDK can parse.
      const failed = standIn.platform.failure(500, `stand-in error: ${String(error)}`);
      reply(res, failed);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  standIn.adminHosts = adminHosts(host, port);
  const url = `http://${host}:${port}`;
  const client = new SimulatorAdmin(url);
  const admin: StandInAdmin<StandInState<PhoneNumber>> = {
    // The client types its state as the Exotel simulator's; this route answers the stand-in's.
    state: async () => (await client.state()) as unknown as StandInState<PhoneNumber>,
    requests: (filter) => client.requests(filter),
    clearRequests: () => client.clearRequests(),
    reset: () => client.reset(),
    addFault: (fault) => client.addFault(fault),
    faults: () => client.faults(),
    removeFault: (id) => client.removeFault(id),
    clearFaults: () => client.clearFaults(),
  };
  return {
    url,
    apiKey: standIn.platform.apiKey,
    admin,
    close: () =>
      new Promise<void>((resolve, reject) => {
        standIn.closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Strict body checking: every field known, every required field present, every value of its type. Each platform
// renders the issues in its own envelope.

export type Shape =
  | { type: 'string' | 'number' | 'integer' | 'boolean' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'array'; items: Shape }
  /** A JSON object used as a map: any keys, every value of one shape. */
  | { type: 'map'; values: Shape }
  | { type: 'object'; fields: Readonly<Record<string, Field>> }
  | { type: 'either'; options: readonly Shape[] };

export interface Field {
  shape: Shape;
  required: boolean;
  /** null is accepted (and means what absence means, unless the platform says otherwise). */
  nullable: boolean;
}

export const string: Shape = { type: 'string' };
export const number: Shape = { type: 'number' };
export const integer: Shape = { type: 'integer' };
export const boolean: Shape = { type: 'boolean' };
export const oneOf = (...values: string[]): Shape => ({ type: 'enum', values });
export const listOf = (items: Shape): Shape => ({ type: 'array', items });
export const mapOf = (values: Shape): Shape => ({ type: 'map', values });
export const object = (fields: Record<string, Field>): Shape => ({ type: 'object', fields });
export const either = (...options: Shape[]): Shape => ({ type: 'either', options });
export const required = (shape: Shape): Field => ({ shape, required: true, nullable: false });
/** May be absent, not null. */
export const optional = (shape: Shape): Field => ({ shape, required: false, nullable: false });
/** May be absent or null. */
export const nullable = (shape: Shape): Field => ({ shape, required: false, nullable: true });

export type Loc = (string | number)[];

export interface Issue {
  kind: 'missing' | 'unknown' | 'type';
  loc: Loc;
  /** For 'type': the shape the value does not have (null counts as a wrong type where null is not allowed). */
  expected?: Shape;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every issue of `value` against `shape`, in field order then unknown fields; [] when it conforms. */
export function checkShape(shape: Shape, value: unknown, loc: Loc = []): Issue[] {
  const wrong: Issue[] = [{ kind: 'type', loc, expected: shape }];
  switch (shape.type) {
    case 'string':
      return typeof value === 'string' ? [] : wrong;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? [] : wrong;
    case 'integer':
      return Number.isInteger(value) ? [] : wrong;
    case 'boolean':
      return typeof value === 'boolean' ? [] : wrong;
    case 'enum':
      return typeof value === 'string' && shape.values.includes(value) ? [] : wrong;
    case 'either':
      return shape.options.some((option) => checkShape(option, value, loc).length === 0) ? [] : wrong;
    case 'array':
      return Array.isArray(value) ? value.flatMap((item, i) => checkShape(shape.items, item, [...loc, i])) : wrong;
    case 'map':
      return isPlainObject(value) ? Object.entries(value).flatMap(([k, v]) => checkShape(shape.values, v, [...loc, k])) : wrong;
    case 'object': {
      if (!isPlainObject(value)) return wrong;
      const issues = Object.entries(shape.fields).flatMap(([name, field]): Issue[] => {
        const at = [...loc, name];
        const v = value[name];
        if (v === undefined) return field.required ? [{ kind: 'missing', loc: at }] : [];
        if (v === null) return field.nullable ? [] : [{ kind: 'type', loc: at, expected: field.shape }];
        return checkShape(field.shape, v, at);
      });
      const unknown = Object.keys(value).filter((k) => !Object.hasOwn(shape.fields, k));
      return [...issues, ...unknown.map((k): Issue => ({ kind: 'unknown', loc: [...loc, k] }))];
    }
  }
}

/** "a string", "one of \"TLS\", \"TCP\"", …: what a value of this shape is, in words. */
export function describeShape(shape: Shape): string {
  switch (shape.type) {
    case 'string':
    case 'number':
    case 'boolean':
      return `a ${shape.type}`;
    case 'integer':
      return 'an integer';
    case 'enum':
      return `one of ${shape.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'either':
      return shape.options.map(describeShape).join(' or ');
    case 'array':
      return `an array (each ${describeShape(shape.items)})`;
    case 'map':
    case 'object':
      return 'an object';
  }
}

/** `value` as T when it conforms to `shape`; otherwise the platform's refusal of its issues is thrown. */
export function conform<T>(shape: Shape, value: unknown, refuse: (issues: Issue[]) => Reply, loc: Loc = []): T {
  const issues = checkShape(shape, value, loc);
  if (issues.length > 0) throw new PlatformRefusal(refuse(issues));
  return value as T;
}
