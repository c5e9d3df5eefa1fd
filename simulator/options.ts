// SimulatorOptions with defaults applied, checked once so the rest of the simulator can trust them.

import { DEFAULT_RATE_LIMIT } from './rate-limit';
import { DEFAULT_TIMELINE_CAPACITY } from './timeline';
import type { DeleteStyle, NumberScope, RateLimitConfig, SimulatorAccount, SimulatorOptions } from './types';

export interface ResolvedOptions {
  host: string;
  port: number;
  accounts: SimulatorAccount[];
  rateLimit: RateLimitConfig | false;
  stateFile: string | undefined;
  deleteStyle: DeleteStyle;
  numberScope: NumberScope;
  adminToken: string | undefined;
  seed: number | undefined;
  timelineCapacity: number;
}

/** Thrown for options that break a rule; the message names the option, the value and the rule. */
export class SimulatorOptionError extends Error {}

const SID = /^[A-Za-z0-9_.-]+$/;

/** The hosts only this machine reaches; binding any other needs an admin token. */
export const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'];

export function resolveOptions(opts: SimulatorOptions): ResolvedOptions {
  const fail = (what: string, value: unknown, rule: string): never => {
    throw new SimulatorOptionError(`${what} ${JSON.stringify(value)} is invalid: ${rule}`);
  };
  if (!Array.isArray(opts.accounts) || opts.accounts.length === 0) fail('accounts', opts.accounts, 'give at least one account');
  const seen = new Set<string>();
  for (const a of opts.accounts) {
    if (!SID.test(a.sid)) fail('account sid', a.sid, 'use letters, digits, _ . -');
    if (seen.has(a.sid)) fail('account sid', a.sid, 'each account sid may appear once');
    seen.add(a.sid);
    if (!a.apiKey || a.apiKey.includes(':')) fail(`api key of ${a.sid}`, a.apiKey, 'must be non-empty and contain no ":"');
    if (!a.apiToken) fail(`api token of ${a.sid}`, '(empty)', 'must be non-empty');
    if (a.region !== 'in' && a.region !== 'sg') fail(`region of ${a.sid}`, a.region, "must be 'in' or 'sg'");
  }
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('port', port, 'must be an integer 0–65535');
  const rateLimit = opts.rateLimit ?? DEFAULT_RATE_LIMIT;
  if (rateLimit !== false) {
    if (!Number.isInteger(rateLimit.limit) || rateLimit.limit < 1) fail('rate limit', rateLimit.limit, 'must be an integer ≥ 1');
    if (!Number.isInteger(rateLimit.windowMs) || rateLimit.windowMs < 1) {
      fail('rate limit window', rateLimit.windowMs, 'must be an integer number of ms ≥ 1');
    }
  }
  const deleteStyle = opts.deleteStyle ?? 'query';
  if (deleteStyle !== 'query' && deleteStyle !== 'path') fail('delete style', deleteStyle, "must be 'query' or 'path'");
  const numberScope = opts.numberScope ?? 'account';
  if (numberScope !== 'account' && numberScope !== 'trunk') fail('number scope', numberScope, "must be 'account' or 'trunk'");
  if (opts.seed !== undefined && !Number.isSafeInteger(opts.seed)) fail('seed', opts.seed, 'must be an integer');
  const timelineCapacity = opts.timelineCapacity ?? DEFAULT_TIMELINE_CAPACITY;
  if (!Number.isInteger(timelineCapacity) || timelineCapacity < 1) fail('timeline capacity', timelineCapacity, 'must be an integer ≥ 1');
  if (opts.adminToken === '') fail('admin token', '', 'must be non-empty when given');
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK_HOSTS.includes(host) && opts.adminToken === undefined) {
    fail('host', host, `beyond loopback (${LOOPBACK_HOSTS.join(', ')}) an adminToken is required: anyone who reaches the port could reset the simulator or inject faults`);
  }
  return {
    host,
    port,
    accounts: opts.accounts.map((a) => ({ ...a })),
    rateLimit: rateLimit === false ? false : { ...rateLimit },
    stateFile: opts.stateFile,
    deleteStyle,
    numberScope,
    adminToken: opts.adminToken,
    seed: opts.seed,
    timelineCapacity,
  };
}
