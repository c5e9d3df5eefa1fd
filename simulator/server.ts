// The HTTP front: every /v2 request passes rate limit → fault → auth → route → content type → body → handler,
// in that order, and is logged; /_admin goes to the admin API.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminHosts, handleAdmin, refuseForeignCaller, type AdminDeps } from './admin-api';
import { authenticate } from './auth';
import {
  ExotelError,
  authorizationFailed,
  notFound,
  render,
  renderError,
  renderRateLimited,
  serverFailure,
  unsupportedContentType,
  type Rendered,
} from './envelopes';
import { answerUnderFault, FaultRegistry } from './faults';
import { resolveOptions, type ResolvedOptions } from './options';
import { SeededRandom } from './random';
import { RateLimiter, rateLimitHeaders } from './rate-limit';
import { parseJson } from './request-body';
import { RequestLog } from './request-log';
import { buildRoutes, matchRoute, type Route } from './routes/router';
import { loadStateFile, saveStateFile } from './state-file';
import { Store, emptyStoreData } from './store';
import { Timeline } from './timeline';
import type { ActiveFault, RunningSimulator, SimulatorOptions } from './types';

/** Go's http.MaxBytesReader-style cap: more than this is refused, not buffered. */
const MAX_BODY_BYTES = 1024 * 1024;
const ACCOUNT_PATH = /^\/v2\/accounts\/([^/]+)(\/.*)?$/;

export interface IncomingBody {
  text: string;
  tooLarge: boolean;
}

export async function readBody(req: IncomingMessage): Promise<IncomingBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: size > MAX_BODY_BYTES };
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

const mediaType = (contentType: string | undefined): string => (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

interface AccountTarget {
  sid: string;
  /** The path after /v2/accounts/{sid}: '' or starting with '/'. */
  rest: string;
}

function accountTarget(pathname: string): AccountTarget | null {
  const match = ACCOUNT_PATH.exec(pathname);
  if (!match?.[1]) return null;
  let sid = match[1];
  try {
    sid = decodeURIComponent(sid);
  } catch {
    // A malformed escape stays as sent; no account has such a sid, so auth refuses it.
  }
  return { sid, rest: match[2] ?? '' };
}

class Simulator {
  readonly random: SeededRandom;
  readonly store: Store;
  readonly log = new RequestLog();
  readonly faults: FaultRegistry;
  readonly limiter: RateLimiter;
  private readonly routes: Route[];
  private savedRevision: number;
  /** Aborts latency waits when the server closes. */
  readonly closing = new AbortController();
  /** The Host values /_admin answers to; known once the server listens (the port may be chosen then). */
  adminHosts: string[] = [];

  constructor(readonly options: ResolvedOptions) {
    this.random = new SeededRandom(options.seed);
    const saved = options.stateFile === undefined ? null : loadStateFile(options.stateFile);
    this.store = new Store(saved ?? emptyStoreData(), this.random, new Timeline(options.timelineCapacity));
    this.savedRevision = this.store.revision;
    this.faults = new FaultRegistry(this.random);
    this.limiter = new RateLimiter(options.rateLimit);
    this.routes = buildRoutes(options.deleteStyle);
  }

  private get adminDeps(): AdminDeps {
    const { store, log, faults, limiter, options } = this;
    return { store, log, faults, limiter, accounts: options.accounts, adminToken: options.adminToken };
  }

  /** Writes the state file after a mutation (synchronously, so the answer is sent only once it is durable). */
  private persist(): void {
    if (this.options.stateFile === undefined || this.store.revision === this.savedRevision) return;
    saveStateFile(this.options.stateFile, this.store.snapshot);
    this.savedRevision = this.store.revision;
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://simulator.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);

    if (url.pathname === '/_admin' || url.pathname.startsWith('/_admin/')) {
      const refused = refuseForeignCaller(this.adminHosts, req.headers.host, req.headers.origin);
      if (refused) {
        send(res, refused.status, refused.body);
        return;
      }
      const reply = handleAdmin(this.adminDeps, {
        method,
        path: url.pathname,
        query: url.searchParams,
        authorization: req.headers.authorization,
        rawBody: body.text,
      });
      this.persist();
      send(res, reply.status, reply.body);
      return;
    }

    const target = accountTarget(url.pathname);
    const sid = target?.sid ?? null;
    const requestId = this.random.hex(32);
    const entry = this.log.start({ account: sid, method, path: url.pathname, query: url.searchParams, rawBody: body.tooLarge ? '' : body.text });

    if (sid !== null && this.options.accounts.some((a) => a.sid === sid)) {
      const verdict = this.limiter.take(sid);
      if (!verdict.allowed) {
        const rendered = renderRateLimited(requestId, verdict.message, verdict.headers);
        send(res, rendered.status, rendered.body, rendered.headers);
        this.log.finish(entry, rendered.status, undefined);
        return;
      }
    }

    const fault = this.faults.take({ method, path: url.pathname, account: sid });
    const outcome = await answerUnderFault(fault, {
      socket: req.socket,
      closing: this.closing.signal,
      refused: (f) => {
        const { current } = this.limiter;
        return faultReply(f, current === false ? 0 : current.limit, requestId, method);
      },
      failedAfterApplying: (status) => renderError(serverFailure(status), requestId, method),
      answer: () => {
        const rendered = this.answer(method, url, target, req, body, requestId);
        this.persist();
        return rendered;
      },
    });
    if (outcome === 'abandoned') return;
    if ('dropped' in outcome) {
      this.log.finish(entry, null, outcome.dropped);
      return;
    }
    send(res, outcome.send.status, outcome.send.body, outcome.send.headers);
    this.log.finish(entry, outcome.send.status, outcome.outcome);
  }

  /** Exotel's own answer to a request that got past rate limiting and faults. */
  private answer(
    method: string,
    url: URL,
    target: AccountTarget | null,
    req: IncomingMessage,
    body: IncomingBody,
    requestId: string,
  ): Rendered {
    try {
      if (target === null) throw notFound();
      const account = authenticate(this.options.accounts, target.sid, req.headers.authorization, req.headers.host);
      if (!account) throw authorizationFailed();
      const { handler, params } = matchRoute(this.routes, method, target.rest);
      let parsed: unknown;
      if (method === 'POST' || method === 'PUT') {
        const contentType = req.headers['content-type'];
        if (mediaType(contentType) !== 'application/json') throw unsupportedContentType(contentType ?? '');
        if (body.tooLarge) throw new ExotelError(413, 1007, 'http: request body too large');
        parsed = parseJson(body.text);
      }
      const result = handler({
        method,
        account,
        params,
        query: url.searchParams,
        body: parsed,
        store: this.store,
        basePath: `/v2/accounts/${account.sid}`,
        numberScope: this.options.numberScope,
      });
      return render(result, requestId, method);
    } catch (error) {
      if (error instanceof ExotelError) return renderError(error, requestId, method);
      throw error;
    }
  }
}

/** An injected 'status' fault: 429 looks like the rate limiter's answer, anything else like an Exotel failure. */
function faultReply(fault: ActiveFault, limit: number, requestId: string, method: string): Rendered {
  const status = fault.status ?? 500;
  if (status !== 429) return renderError(serverFailure(status), requestId, method);
  const retryAfter = fault.retryAfterSeconds ?? 1;
  const headers = rateLimitHeaders(limit, retryAfter, Math.ceil(Date.now() / 1000) + retryAfter);
  return renderRateLimited(requestId, `Rate limit exceeded. Retry after ${retryAfter} seconds.`, headers);
}

export async function startSimulator(opts: SimulatorOptions): Promise<RunningSimulator> {
  const options = resolveOptions(opts);
  const simulator = new Simulator(options);
  const server = createServer((req, res) => {
    simulator.handle(req, res).catch((error: unknown) => {
      // A bug in the simulator must still answer something a client can parse.
      const rendered = renderError(serverFailure(500), simulator.random.hex(32), req.method ?? 'GET');
      send(res, rendered.status, { ...(rendered.body as object), simulator_error: String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  simulator.adminHosts = adminHosts(options.host, port);
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        simulator.closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
