// One client per Exotel account: knows the wire format (reference §1–§3) and nothing about workflows.
import { EXOTEL_PAGE_SIZE } from '../domain/exotel-paging';
import axios, { type AxiosInstance } from 'axios';
import { IssueCollector } from '../domain/issues';
import { rules } from '../domain/rules';
import { exotelSipDomain } from '../domain/naming';
import { ExotelError } from './errors';
import { failureOf, readBatch, readListPage, readSingle, type RawResponse } from './envelope';
import type {
  ExotelCredential,
  ExotelDestinationUri,
  ExotelPhoneNumber,
  ExotelSetting,
  ExotelSubdomain,
  ExotelTrunk,
  ExotelWhitelistedIp,
  PhoneNumberMode,
} from './types';

export interface ExotelAccountConfig {
  accountSid: string;
  apiKey: string;
  apiToken: string;
  subdomain: ExotelSubdomain;
  /** Local override such as the simulator's `http://127.0.0.1:4010`; the subdomain still travels as the Host. */
  baseUrl?: string;
  timeoutMs?: number;
}

export interface ExotelRequestLog {
  accountSid: string;
  method: string;
  path: string;
  status: number | 'network-error';
  requestId?: string;
  durationMs: number;
}

export interface ExotelClientOptions {
  /** Called once per HTTP exchange; receives no headers and no bodies, so no secret can reach a log through it. */
  onRequest?: (entry: ExotelRequestLog) => void;
}

type Query = Record<string, string | number | undefined>;

/** Guards a list walk against a server that keeps answering the same next page. */
const MAX_LIST_ITEMS = 20_000;

/** A base URL with user info would carry a secret into every message that shows it. */
const maskUserInfo = (url: string): string => url.replace(/^([a-z]+:\/\/)[^@/]*@/i, '$1***@');

export function validateAccountConfig(config: Partial<ExotelAccountConfig>, where = 'exotel account'): void {
  const c = new IssueCollector();
  checkAccountConfig(c, config, where);
  c.throwIfAny();
}

/** Collects the problems of one account's configuration into `c`; tokens are never shown. */
export function checkAccountConfig(c: IssueCollector, config: Partial<ExotelAccountConfig>, where: string): void {
  c.check(`${where}.accountSid`, config.accountSid, rules.accountSid);
  c.check(`${where}.apiKey`, config.apiKey, (v) => (v.length > 0 ? null : 'must not be empty'));
  c.check(`${where}.apiToken`, config.apiToken, (v) => (v.length > 0 ? null : 'must not be empty'));
  c.check(`${where}.subdomain`, config.subdomain, rules.subdomain);
  const baseUrl = config.baseUrl;
  if (baseUrl !== undefined) {
    if (typeof baseUrl !== 'string') c.add(`${where}.baseUrl`, baseUrl, 'must be a string');
    else if (/^[a-z]+:\/\/[^@/]*@/i.test(baseUrl)) {
      c.add(`${where}.baseUrl`, maskUserInfo(baseUrl), 'must not carry credentials: give them as apiKey and apiToken');
    } else if (!/^https?:\/\/[^/\s]+\/?$/.test(baseUrl)) c.add(`${where}.baseUrl`, baseUrl, 'must be http(s)://host[:port] with no path');
  }
}

export class ExotelClient {
  readonly accountSid: string;
  readonly subdomain: ExotelSubdomain;
  private readonly http: AxiosInstance;
  private readonly basePath: string;

  constructor(config: ExotelAccountConfig, private readonly options: ExotelClientOptions = {}) {
    validateAccountConfig(config);
    this.accountSid = config.accountSid;
    this.subdomain = config.subdomain;
    this.basePath = `/v2/accounts/${encodeURIComponent(config.accountSid)}`;
    this.http = axios.create({
      baseURL: (config.baseUrl ?? `https://${config.subdomain}`).replace(/\/$/, ''),
      timeout: config.timeoutMs ?? 15_000,
      // Axios keeps `auth` out of its error messages only if we never rethrow its errors; we never do.
      auth: { username: config.apiKey, password: config.apiToken },
      headers: {
        Accept: 'application/json',
        ...(config.baseUrl ? { Host: config.subdomain } : {}),
      },
      responseType: 'text',
      transformResponse: (data: unknown) => data,
      validateStatus: () => true,
      maxRedirects: 0,
    });
  }

  /** The SIP domain Exotel expects in `domain_name` and as the digest realm. */
  get sipDomain(): string {
    return exotelSipDomain(this.accountSid);
  }

  // ---- trunks ------------------------------------------------------------------------------------------------

  async createTrunk(trunkName: string): Promise<ExotelTrunk> {
    const data = readSingle(
      await this.send('POST', '/trunks', { body: { trunk_name: trunkName, nso_code: 'ANY-ANY', domain_name: this.sipDomain } }),
    );
    return toTrunk(data);
  }

  async listTrunks(): Promise<ExotelTrunk[]> {
    return (await this.listAll('/trunks')).map(toTrunk);
  }

  /** `GET /trunks?trunk_sid=` is the documented read; `GET /trunks/{sid}` appears in one sample only. */
  async getTrunk(trunkSid: string): Promise<ExotelTrunk | null> {
    const page = readListPage(await this.send('GET', '/trunks', { query: { trunk_sid: trunkSid } }));
    return page.items.map(toTrunk).find((t) => t.trunk_sid === trunkSid) ?? null;
  }

  async findTrunkByName(trunkName: string): Promise<ExotelTrunk | null> {
    return (await this.listTrunks()).find((t) => t.trunk_name === trunkName) ?? null;
  }

  /** Exotel cascades this to the trunk's numbers, ACL entries and destinations, but not its credentials. */
  async deleteTrunk(trunkSid: string): Promise<ExotelTrunk> {
    return toTrunk(readSingle(await this.send('DELETE', '/trunks', { query: { trunk_sid: trunkSid } })));
  }

  /**
   * `GET /trunk-maps?exophone=` [D]: the trunks a number is mapped to; null when the endpoint is not there (404, 405),
   * so the caller lists trunks instead. Its answer's shape is unpublished: each item may name the trunk as
   * `trunk_sid`, `trunk_id` or `trunk.trunk_sid`/`trunk.sid`, and a lone object is read as one item. The number is
   * sent as `%2B91…` (axios encodes the "+"): a raw "+" would reach a Go-style parser as a space.
   */
  async trunksOfNumber(e164: string): Promise<string[] | null> {
    let page;
    try {
      page = readListPage(await this.send('GET', '/trunk-maps', { query: { exophone: e164 } }));
    } catch (err) {
      if (err instanceof ExotelError && (err.kind === 'not-found' || err.details.httpStatus === 405)) return null;
      throw err;
    }
    const sids = page.items.map((item) => {
      const d = isRecord(item) ? item : {};
      const nested = isRecord(d.trunk) ? d.trunk : {};
      return [d.trunk_sid, d.trunk_id, nested.trunk_sid, nested.sid].find((v): v is string => typeof v === 'string' && v.length > 0);
    });
    return [...new Set(sids.filter((s): s is string => s !== undefined))];
  }

  // ---- phone numbers -----------------------------------------------------------------------------------------

  async mapPhoneNumber(trunkSid: string, phoneNumber: string, mode?: PhoneNumberMode): Promise<ExotelPhoneNumber> {
    const body = mode ? { phone_number: phoneNumber, mode } : { phone_number: phoneNumber };
    return toPhoneNumber(readSingle(await this.send('POST', `${this.trunkPath(trunkSid)}/phone-numbers`, { body })));
  }

  async listPhoneNumbers(trunkSid: string): Promise<ExotelPhoneNumber[]> {
    return (await this.listAll(`${this.trunkPath(trunkSid)}/phone-numbers`)).map(toPhoneNumber);
  }

  /** `id` is the mapping id Exotel returned, not the phone number. */
  async updatePhoneNumber(trunkSid: string, id: string, phoneNumber: string, mode: PhoneNumberMode): Promise<ExotelPhoneNumber> {
    const path = `${this.trunkPath(trunkSid)}/phone-numbers/${encodeURIComponent(id)}`;
    return toPhoneNumber(readSingle(await this.send('PUT', path, { body: { phone_number: phoneNumber, mode } })));
  }

  async deletePhoneNumber(trunkSid: string, id: string): Promise<void> {
    await this.deleteById(`${this.trunkPath(trunkSid)}/phone-numbers`, id, { pathFallback: true });
  }

  // ---- credentials (digest auth) -----------------------------------------------------------------------------

  /** The password goes to Exotel once and is never echoed back or logged. */
  async createCredential(
    trunkSid: string,
    credential: { userName: string; password: string; friendlyName?: string },
  ): Promise<ExotelCredential> {
    const body = {
      user_name: credential.userName,
      password: credential.password,
      ...(credential.friendlyName ? { friendly_name: credential.friendlyName } : {}),
    };
    return toCredential(readSingle(await this.send('POST', `${this.trunkPath(trunkSid)}/credentials`, { body })));
  }

  async listCredentials(trunkSid: string): Promise<ExotelCredential[]> {
    return (await this.listAll(`${this.trunkPath(trunkSid)}/credentials`)).map(toCredential);
  }

  /** PUT names the credential in the path (unlike its DELETE); only the fields given change. [D] */
  async updateCredential(
    trunkSid: string,
    id: string,
    change: { userName?: string; password?: string; friendlyName?: string },
  ): Promise<ExotelCredential> {
    const body = {
      ...(change.userName !== undefined ? { user_name: change.userName } : {}),
      ...(change.password !== undefined ? { password: change.password } : {}),
      ...(change.friendlyName !== undefined ? { friendly_name: change.friendlyName } : {}),
    };
    const path = `${this.trunkPath(trunkSid)}/credentials/${encodeURIComponent(id)}`;
    return toCredential(readSingle(await this.send('PUT', path, { body })));
  }

  /** Credentials take the id as a query parameter; the path form is documented as wrong. */
  async deleteCredential(trunkSid: string, id: string): Promise<void> {
    await this.deleteById(`${this.trunkPath(trunkSid)}/credentials`, id, { pathFallback: false });
  }

  // ---- whitelisted IPs (ACL) ---------------------------------------------------------------------------------

  async addWhitelistedIp(trunkSid: string, ip: string): Promise<ExotelWhitelistedIp> {
    // Exotel takes one /32 per entry (no CIDR ranges on trunks), so the mask is not a parameter.
    const body = { ip, mask: 32 };
    return toWhitelistedIp(readSingle(await this.send('POST', `${this.trunkPath(trunkSid)}/whitelisted-ips`, { body })));
  }

  async listWhitelistedIps(trunkSid: string): Promise<ExotelWhitelistedIp[]> {
    return (await this.listAll(`${this.trunkPath(trunkSid)}/whitelisted-ips`)).map(toWhitelistedIp);
  }

  async deleteWhitelistedIp(trunkSid: string, id: string): Promise<void> {
    await this.deleteById(`${this.trunkPath(trunkSid)}/whitelisted-ips`, id, { pathFallback: true });
  }

  // ---- destination URIs (inbound target) ---------------------------------------------------------------------

  /** POST appends: sending a URI that is already there makes a second entry, so callers read first. */
  async addDestinationUris(trunkSid: string, destinations: string[]): Promise<ExotelDestinationUri[]> {
    const body = { destinations: destinations.map((destination) => ({ destination })) };
    const raw = await this.send('POST', `${this.trunkPath(trunkSid)}/destination-uris`, { body });
    return readBatch(raw, destinations).map(toDestinationUri);
  }

  async listDestinationUris(trunkSid: string): Promise<ExotelDestinationUri[]> {
    return (await this.listAll(`${this.trunkPath(trunkSid)}/destination-uris`)).map(toDestinationUri);
  }

  async deleteDestinationUri(trunkSid: string, id: string): Promise<void> {
    await this.deleteById(`${this.trunkPath(trunkSid)}/destination-uris`, id, { pathFallback: true });
  }

  // ---- settings ----------------------------------------------------------------------------------------------

  /** The outbound caller id shown to called parties (E.164); the only setting Exotel documents. */
  async setTrunkExternalAlias(trunkSid: string, e164: string): Promise<ExotelSetting> {
    const raw = await this.send('POST', `${this.trunkPath(trunkSid)}/settings`, {
      body: { settings: [{ name: 'trunk_external_alias', value: e164 }] },
    });
    const [setting] = readBatch(raw, ['trunk_external_alias']).map(toSetting);
    if (!setting) throw new Error('unreachable: readBatch checks the item count');
    return setting;
  }

  async listSettings(trunkSid: string): Promise<ExotelSetting[]> {
    return (await this.listAll(`${this.trunkPath(trunkSid)}/settings`)).map(toSetting);
  }

  async deleteSetting(trunkSid: string, name: string): Promise<void> {
    readSingle(await this.send('DELETE', `${this.trunkPath(trunkSid)}/settings`, { query: { name } }));
  }

  // ---- transport ---------------------------------------------------------------------------------------------

  private trunkPath(trunkSid: string): string {
    return `/trunks/${encodeURIComponent(trunkSid)}`;
  }

  /**
   * Exotel's docs and samples disagree on whether DELETE takes the id as `?id=` (Exotel's snippets, the Postman
   * collection, a live integrator) or as a path segment (one personal repo). The query form goes first; where the
   * reference is unsure, a 404/405 answer is retried once in the path form, and a 405 there means the first
   * answer stands (so a genuinely missing id still reports not-found).
   */
  private async deleteById(collectionPath: string, id: string, { pathFallback }: { pathFallback: boolean }): Promise<void> {
    try {
      readSingle(await this.send('DELETE', collectionPath, { query: { id } }));
    } catch (queryError) {
      const routeMayBeWrong =
        queryError instanceof ExotelError && (queryError.kind === 'not-found' || queryError.details.httpStatus === 405);
      if (!pathFallback || !routeMayBeWrong) throw queryError;
      const raw = await this.send('DELETE', `${collectionPath}/${encodeURIComponent(id)}`);
      if (raw.status === 405) throw queryError;
      readSingle(raw);
    }
  }

  /** Exotel answers a wrong region exactly like a wrong key, so an auth failure's message names both causes. */
  private withAuthHint(err: ExotelError): ExotelError {
    if (err.kind !== 'auth') return err;
    return new ExotelError({ ...err.details, description: `${err.details.description}${authFailureHint(this.subdomain)}` });
  }

  private async listAll(path: string): Promise<unknown[]> {
    const items: unknown[] = [];
    const seen = new Set<string>();
    let next: { path: string; query?: Query } | null = { path, query: { page_size: EXOTEL_PAGE_SIZE, offset: 0 } };
    while (next) {
      const page = readListPage(await this.send('GET', next.path, { query: next.query }));
      items.push(...page.items);
      if (!page.nextPageUri || page.items.length === 0 || items.length >= MAX_LIST_ITEMS || seen.has(page.nextPageUri)) break;
      seen.add(page.nextPageUri);
      next = { path: this.relativeToAccount(page.nextPageUri) };
    }
    return items;
  }

  /** `next_page_uri` is absolute from the host (`/v2/accounts/{sid}/…?offset=…`); requests are account-relative. */
  private relativeToAccount(uri: string): string {
    return uri.startsWith(this.basePath) ? uri.slice(this.basePath.length) : uri;
  }

  private async send(method: string, path: string, { query, body }: { query?: Query; body?: unknown } = {}): Promise<RawResponse> {
    const started = Date.now();
    const requestPath = path.split('?')[0] ?? path;
    let res;
    try {
      res = await this.http.request<string>({
        method,
        url: `${this.basePath}${path}`,
        params: query,
        data: body === undefined ? undefined : JSON.stringify(body),
        headers: body === undefined ? undefined : { 'Content-Type': 'application/json' },
      });
    } catch (err) {
      // No HTTP answer: rebuild the error from scratch so axios's config (which holds the auth) never escapes.
      const code = axios.isAxiosError(err) ? err.code : undefined;
      this.options.onRequest?.({ accountSid: this.accountSid, method, path: requestPath, status: 'network-error', durationMs: Date.now() - started });
      throw new ExotelError({
        kind: 'transient',
        network: true,
        method,
        path: requestPath,
        description: code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timed out' : `network error${code ? ` ${code}` : ''}`,
      });
    }
    const parsed = parseBody(res.data);
    this.options.onRequest?.({
      accountSid: this.accountSid,
      method,
      path: requestPath,
      status: res.status,
      requestId: typeof parsed === 'object' && parsed !== null ? (parsed as { request_id?: string }).request_id : undefined,
      durationMs: Date.now() - started,
    });
    const raw: RawResponse = { method, path: requestPath, status: res.status, body: parsed, retryAfterMs: retryAfterMs(res.headers) };
    if (res.status === 401) throw this.withAuthHint(failureOf(raw));
    return raw;
  }
}

function authFailureHint(subdomain: string): string {
  return (
    `: the API key/token was refused by ${subdomain}. Check the key and token, and that the account lives in this ` +
    'region: keys only work in their own (India: api.in.exotel.com, Singapore: api.exotel.com)'
  );
}

function parseBody(text: string | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function retryAfterMs(headers: Record<string, unknown>): number | undefined {
  const retryAfter = headers['retry-after'];
  if (typeof retryAfter === 'string' && retryAfter.trim() !== '') {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }
  const reset = headers['x-ratelimit-reset'];
  if (typeof reset === 'string' && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - Date.now());
  return undefined;
}

// ---- wire objects → typed objects (ids as strings, whatever Exotel sent) ------------------------------------------

type Wire = Record<string, unknown>;
const wire = (data: unknown): Wire => (typeof data === 'object' && data !== null ? (data as Wire) : {});
const idOf = (v: unknown): string => (typeof v === 'number' ? String(v) : typeof v === 'string' ? v : '');
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function toTrunk(data: unknown): ExotelTrunk {
  const d = wire(data);
  return { ...(d as Partial<ExotelTrunk>), trunk_sid: text(d.trunk_sid), trunk_name: text(d.trunk_name) };
}
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function toPhoneNumber(data: unknown): ExotelPhoneNumber {
  const d = wire(data);
  return { ...(d as Partial<ExotelPhoneNumber>), id: idOf(d.id), phone_number: text(d.phone_number) };
}
function toCredential(data: unknown): ExotelCredential {
  const d = wire(data);
  return { ...(d as Partial<ExotelCredential>), id: idOf(d.id), user_name: text(d.user_name) };
}
function toWhitelistedIp(data: unknown): ExotelWhitelistedIp {
  const d = wire(data);
  return { ...(d as Partial<ExotelWhitelistedIp>), id: idOf(d.id), ip: text(d.ip), mask: Number(d.mask ?? 32) };
}
function toDestinationUri(data: unknown): ExotelDestinationUri {
  const d = wire(data);
  return { ...(d as Partial<ExotelDestinationUri>), id: idOf(d.id), destination: text(d.destination) };
}
function toSetting(data: unknown): ExotelSetting {
  const d = wire(data);
  return { ...(d as Partial<ExotelSetting>), name: text(d.name), value: text(d.value) };
}
