// /_admin: inspect and steer the simulator. Plain JSON (not Exotel's envelope), never rate-limited or logged.

import { createHash, timingSafeEqual } from 'node:crypto';
import type { FaultRegistry } from './faults';
import { parseFaultSpec } from './faults';
import type { RateLimiter } from './rate-limit';
import type { RequestLog } from './request-log';
import { emptyStoreData, type Store } from './store';
import type { RateLimitConfig, RequestLogFilter, SimulatorAccount, TimelineFilter } from './types';

export interface AdminDeps {
  accounts: SimulatorAccount[];
  store: Store;
  log: RequestLog;
  faults: FaultRegistry;
  limiter: RateLimiter;
  adminToken: string | undefined;
}

export interface AdminReply {
  status: number;
  body: unknown;
}

const reply = (status: number, body: unknown): AdminReply => ({ status, body });
const problem = (status: number, error: string): AdminReply => reply(status, { error });

/**
 * The Host values /_admin answers to: the address it is bound to and the loopback names, each with the port (alone on
 * port 80, as clients send it).
 */
export function adminHosts(boundHost: string, port: number): string[] {
  const bound = boundHost.includes(':') ? `[${boundHost}]` : boundHost;
  const names = [...new Set([bound, '127.0.0.1', 'localhost', '[::1]'].map((n) => n.toLowerCase()))];
  return [...names.map((n) => `${n}:${port}`), ...(port === 80 ? names : [])];
}

/**
 * A browser lets any web page send a request to the simulator; two checks keep such a request off /_admin. Host must
 * be one the simulator knows, so a page whose name was rebound to this address (DNS rebinding) is refused; an Origin
 * (which browsers add, and the admin client and curl do not) must be the simulator's own, so a cross-site form or
 * fetch is refused (CSRF). Null if the request may go on.
 */
export function refuseForeignCaller(allowedHosts: readonly string[], host: string | undefined, origin: string | undefined): AdminReply | null {
  const normalizedHost = host?.toLowerCase();
  if (normalizedHost === undefined || !allowedHosts.includes(normalizedHost)) {
    const shown = host === undefined ? '(missing)' : JSON.stringify(host);
    return problem(403, `header Host ${shown} is refused: /_admin answers only to ${allowedHosts.join(', ')} (against DNS rebinding)`);
  }
  const own = `http://${normalizedHost}`;
  if (origin !== undefined && origin.toLowerCase() !== own) {
    return problem(403, `header Origin ${JSON.stringify(origin)} is refused: /_admin takes requests from no web page but its own origin, ${own} (against cross-site requests)`);
  }
  return null;
}

function tokenMatches(authorization: string | undefined, token: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(authorization ?? ''), digest(`Bearer ${token}`));
}

export function parseBody(raw: string): unknown {
  if (raw.trim() === '') return {};
  return JSON.parse(raw) as unknown;
}

function parseRateLimit(input: unknown): RateLimitConfig | false {
  const body = (input ?? {}) as Record<string, unknown>;
  if (body.off === true) return false;
  const { limit, windowMs } = body;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) throw new Error('limit must be an integer ≥ 1');
  if (typeof windowMs !== 'number' || !Number.isInteger(windowMs) || windowMs < 1) throw new Error('windowMs must be an integer ≥ 1');
  return { limit, windowMs };
}

export function parseFilter(query: URLSearchParams): RequestLogFilter {
  const filter: RequestLogFilter = {};
  const account = query.get('account');
  const since = query.get('since');
  if (account) filter.account = account;
  if (since !== null) {
    if (!/^\d+$/.test(since)) throw new Error('since must be a request seq (a non-negative integer)');
    filter.since = Number(since);
  }
  return filter;
}

function parseTimelineFilter(query: URLSearchParams): TimelineFilter {
  const filter: TimelineFilter = {};
  const since = query.get('since');
  if (since !== null) {
    if (!/^\d+$/.test(since)) throw new Error(`since ${JSON.stringify(since)} is invalid: must be a timeline seq (a non-negative integer)`);
    filter.since = Number(since);
  }
  const account = query.get('account');
  if (account) filter.account = account;
  const trunk = query.get('trunk');
  if (trunk) filter.trunk = trunk;
  const number = query.get('number');
  if (number !== null) {
    if (!/^\+[1-9]\d{1,14}$/.test(number)) {
      // A raw "+" in a query string reads as a space.
      const hint = number.startsWith(' ') ? ' (a raw "+" in a query reads as a space: send %2B)' : '';
      throw new Error(`number ${JSON.stringify(number)} is invalid: must be E.164, "+" then 2 to 15 digits${hint}`);
    }
    filter.number = number;
  }
  return filter;
}

export function handleAdmin(
  deps: AdminDeps,
  request: { method: string; path: string; query: URLSearchParams; authorization: string | undefined; rawBody: string },
): AdminReply {
  if (deps.adminToken !== undefined && !tokenMatches(request.authorization, deps.adminToken)) {
    return problem(401, 'admin API requires Authorization: Bearer <admin token>');
  }
  const { method, path, query } = request;
  const key = `${method} ${path.replace(/\/+$/, '')}`;
  try {
    switch (key) {
      case 'GET /_admin/health':
        return reply(200, { status: 'ok' });
      case 'GET /_admin/state':
        return reply(200, deps.store.state(deps.accounts.map((a) => a.sid)));
      case 'GET /_admin/requests':
        return reply(200, deps.log.list(parseFilter(query)));
      case 'GET /_admin/timeline':
        return reply(200, deps.store.timeline.list(parseTimelineFilter(query)));
      case 'DELETE /_admin/requests':
        deps.log.clear();
        return reply(200, { ok: true });
      case 'POST /_admin/reset':
        deps.store.replace(emptyStoreData());
        deps.store.timeline.clear();
        deps.log.clear();
        deps.faults.clear();
        return reply(200, { ok: true });
      case 'GET /_admin/faults':
        return reply(200, deps.faults.list());
      case 'POST /_admin/faults':
        return reply(201, deps.faults.add(parseFaultSpec(parseBody(request.rawBody))));
      case 'DELETE /_admin/faults':
        deps.faults.clear();
        return reply(200, { ok: true });
      case 'GET /_admin/rate-limit':
        return reply(200, deps.limiter.current === false ? { off: true } : deps.limiter.current);
      case 'PUT /_admin/rate-limit':
        deps.limiter.configure(parseRateLimit(parseBody(request.rawBody)));
        return reply(200, deps.limiter.current === false ? { off: true } : deps.limiter.current);
    }
    const faultId = /^DELETE \/_admin\/faults\/([^/]+)$/.exec(key)?.[1];
    if (faultId !== undefined) {
      return deps.faults.remove(faultId) ? reply(200, { ok: true }) : problem(404, `no fault ${faultId}`);
    }
    return problem(404, `no admin route ${key}`);
  } catch (error) {
    return problem(400, error instanceof Error ? error.message : String(error));
  }
}
