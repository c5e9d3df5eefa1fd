// Shared by the simulator tests: a real simulator on a random port and a raw HTTP client (node:http, so any
// Host header can be sent; fetch forbids setting it).

import { request, type IncomingHttpHeaders } from 'node:http';
import { expect } from 'vitest';
import {
  SimulatorAdmin,
  startSimulator,
  type RunningSimulator,
  type SimulatorAccount,
  type SimulatorOptions,
} from '../../simulator';

export const ACME: SimulatorAccount = { sid: 'acme', apiKey: 'acme_key', apiToken: 'acme_secret_token_1', region: 'in' };
export const GLOBEX: SimulatorAccount = { sid: 'globex', apiKey: 'globex_key', apiToken: 'globex_secret_token_2', region: 'sg' };

export interface ErrorData {
  code: number;
  message: string;
  description: string;
}

export interface Item {
  code: number;
  error_data: ErrorData | null;
  status: 'success' | 'failure';
  data: unknown;
}

export interface Body {
  request_id: string;
  method: string;
  http_code: number;
  metadata?: Record<string, unknown>;
  response: unknown;
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  body: Body;
}

export interface CallOptions {
  /** JSON-encoded unless `raw` is given. */
  json?: unknown;
  raw?: string;
  /** Defaults to application/json when a body is sent; null sends none. */
  contentType?: string | null;
  /** Basic credentials; defaults to the account's own; null sends no Authorization header. */
  auth?: { key: string; token: string } | null;
  headers?: Record<string, string>;
}

/** One HTTP exchange; rejects if the connection drops. */
export function httpCall(url: string, method: string, headers: Record<string, string>, payload?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body: (text ? JSON.parse(text) : null) as Body });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** A client for one account of the simulator; paths are relative to /v2/accounts/{sid} unless absolute. */
export class Api {
  constructor(
    readonly baseUrl: string,
    readonly account: SimulatorAccount,
  ) {}

  get base(): string {
    return `/v2/accounts/${this.account.sid}`;
  }

  call(method: string, path: string, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    const auth = options.auth === undefined ? { key: this.account.apiKey, token: this.account.apiToken } : options.auth;
    if (auth) headers.Authorization = `Basic ${Buffer.from(`${auth.key}:${auth.token}`).toString('base64')}`;
    const payload = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
    const contentType = options.contentType === undefined ? (payload === undefined ? null : 'application/json') : options.contentType;
    if (contentType !== null) headers['Content-Type'] = contentType;
    const full = path.startsWith('/v2/') || path.startsWith('/_') ? path : `${this.base}${path}`;
    return httpCall(`${this.baseUrl}${full}`, method, headers, payload);
  }

  get(path: string, options?: CallOptions): Promise<Reply> {
    return this.call('GET', path, options);
  }

  post(path: string, json: unknown, options?: CallOptions): Promise<Reply> {
    return this.call('POST', path, { ...options, json });
  }

  put(path: string, json: unknown, options?: CallOptions): Promise<Reply> {
    return this.call('PUT', path, { ...options, json });
  }

  del(path: string, options?: CallOptions): Promise<Reply> {
    return this.call('DELETE', path, options);
  }

  /** Creates a trunk and returns its sid. */
  async createTrunk(name: string): Promise<string> {
    const reply = await this.post('/trunks', {
      trunk_name: name,
      nso_code: 'ANY-ANY',
      domain_name: `${this.account.sid}.pstn.exotel.com`,
    });
    return data<{ trunk_sid: string }>(reply).trunk_sid;
  }
}

/** The single-object envelope's item, checked for success. */
export function data<T>(reply: Reply): T {
  const item = reply.body.response as Item;
  expect(item, reply.text).toMatchObject({ status: 'success', code: 200, error_data: null });
  return item.data as T;
}

/** The list envelope's items, each checked for success. */
export function items<T>(reply: Reply): T[] {
  expect(reply.status, reply.text).toBe(200);
  const list = reply.body.response as Item[];
  expect(Array.isArray(list), reply.text).toBe(true);
  for (const item of list) expect(item).toMatchObject({ code: 200, error_data: null, status: 'success' });
  return list.map((item) => item.data as T);
}

/** Asserts an Exotel failure: HTTP status, inner code and error_data. */
export function expectFailure(reply: Reply, httpStatus: number, innerCode: number, errorData: Partial<ErrorData>): void {
  expect(reply.status, reply.text).toBe(httpStatus);
  expect(reply.body, reply.text).toMatchObject({
    http_code: httpStatus,
    response: { code: innerCode, status: 'failure', data: null, error_data: errorData },
  });
  expect(reply.body.request_id).toMatch(/^[0-9a-f]{32}$/);
}

/** A 400 with error code 1001/1002 and the given description. */
export function expectInvalid(reply: Reply, exotelCode: 1001 | 1002, description: string): void {
  const message = exotelCode === 1001 ? 'Mandatory Parameter missing' : 'Invalid parameter';
  expectFailure(reply, 400, 400, { code: exotelCode, message, description });
}

export interface TestSimulator {
  sim: RunningSimulator;
  admin: SimulatorAdmin;
  acme: Api;
  globex: Api;
}

export async function startTestSimulator(options: Partial<SimulatorOptions> = {}): Promise<TestSimulator> {
  const sim = await startSimulator({ accounts: [ACME, GLOBEX], seed: 7, ...options });
  return {
    sim,
    admin: new SimulatorAdmin(sim.url, options.adminToken),
    acme: new Api(sim.url, ACME),
    globex: new Api(sim.url, GLOBEX),
  };
}
