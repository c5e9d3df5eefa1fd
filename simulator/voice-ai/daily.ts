// A stand-in for Daily's SIP trunk REST API (https://api.daily.co/v1, `Authorization: Bearer <key>`), the inbound
// trunks Pipecat bots use. Daily has no Node server SDK, so the shapes come from its OpenAPI spec as the generated
// daily-ruby client carries it (docs/CreateSipTrunkRequest*.md, UpdateSipTrunkRequest*.md, ListSipTrunks200Response*.md,
// DialinApi.md) and from docs.daily.co (reference/rest-api/sip-trunk/{create,update,notification},
// docs/rest-api/errors).
//
// Tags: [C] Daily's spec or docs say so; [I] inferred:
// - Routes [C]: POST/GET /sip-trunk, GET/PUT/DELETE /sip-trunk/{id}. A trunk answers as {id, description,
//   trunk_name, sip_uri, enabled, config} [C]; what `config` holds is not documented (a free-form map): here
//   {room_template, notification: {webhook_url}, trunk_config: {allowed_ips, is_open, exp_offset, credential:
//   {username} | null}} [I]. The create (and an update touching `notification`) also answers the `hmac` [C: "returns
//   the sip_uri … plus the generated hmac"; its place is not in the schema: top level here, I]; reads never do [I].
// - sip_uri `sip:<domain>-<trunk_name>.siptrunk.sip-us.daily.co` [C].
// - trunk_name [C]: "Lowercase alphanumeric, 3-63 chars, no hyphens; the combined <domain>-<trunk_name> label must be
//   <= 63 chars", immutable. Unique per domain [I]: a second one is refused 400 "… already exists", as Daily refuses
//   a room name taken [I].
// - Required at create [C]: trunk_name, room_template, notification.webhook_url. Admission [C]: gated
//   (allowed_ips and/or credential) XOR is_open: true. allowed_ips: IPv4 or canonical CIDR, at most 25 [C].
//   credential.password: 12-64 chars with a letter and a digit, never returned [C]; username and password both
//   required when a credential is given [I]. exp_offset 60-86400 s [C]. description at most 2048 [C]. room_template:
//   absolute exp/nbf refused [C] (at its top level or in `properties`, I).
// - The create POSTs a signed one-shot `sip_trunk.test` to notification.webhook_url and fails 400 unless it answers
//   2xx [C]; so does any update touching `notification`, with the final hmac [C]. `hmac: null` rotates it, a value
//   (base64) sets it, absence keeps it [C]. Signature [C]: HMAC-SHA256 keyed with the base64-decoded hmac over
//   `${X-Siptrunk-Timestamp}.${rawBody}`, the timestamp in epoch milliseconds, in header X-Siptrunk-Signature; the
//   digest's encoding is not documented: base64 here, as Daily's domain webhooks sign [I]. The event body
//   {version, type: "sip_trunk.test", id, event_ts, trunk: {id, trunk_name, description, sip_uri}} is [I]
//   (trunk.description is [C]). The probe waits `webhookTimeoutMs` (default 5 s) [I: Daily says "LIVE", no budget],
//   follows no redirect [I]. Webhook URLs must be HTTPS [C]; plain http is accepted for loopback hosts only, so
//   local test servers need no certificate [I: a stand-in leniency].
// - Errors [C]: {error, info}; `error` one of authentication-error (401, bad key), authorization-header-error (400,
//   no or malformed header), json-parsing-error, invalid-request-error (400), rate-limit-error (429), server-error
//   (5xx), forbidden-error (403); a missing trunk or route is 404 `not-found` [I].
// - List [C]: limit 1-100 (default 20), starting_after / ending_before (trunk ids), trunk_name and description
//   (substring matches), enabled; answers {total_count, data}. Oldest first, total_count counting every match [I].
// - Update is a partial overlay [C]: room_template and allowed_ips are replaced whole [I], credential: null clears
//   it [C]; admission must stay valid [C]. Delete answers 200 {deleted: true, id} [I: as DELETE /rooms/{name}].
// - Passwords and hmacs are never in the state or the request log (a sent hmac is logged as "***").
//
// Why a front server: the shared base (stand-in.ts) runs handlers synchronously, and the probe is real HTTP. So a
// small proxy in front of it reads each request, runs the probe for a create or notification update that would
// pass, and hands the request on with the outcome kept aside; the base then logs, applies faults, authenticates
// and calls the (synchronous) handler, which commits or refuses by that outcome. One difference from Daily follows:
// a `status` or `drop` fault on such a request still lets its probe reach the webhook first.

import { createHmac } from 'node:crypto';
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adminHosts, refuseForeignCaller } from '../admin-api';
import type { SeededRandom } from '../random';
import { readBody, send } from '../server';
import {
  PlatformRefusal,
  SeededAgents,
  boolean,
  conform,
  describeShape,
  integer,
  listOf,
  mapOf,
  nullable,
  object,
  optional,
  required,
  startStandIn,
  string,
  type Issue,
  type Loc,
  type Platform,
  type Reply,
  type Route,
  type RunningStandIn,
  type StandInOptions,
  type StandInState,
} from './stand-in';

export interface DailyStandInOptions extends StandInOptions {
  /** The account's Daily domain, the first part of every trunk's SIP host. Default `examplecorp`. */
  domain?: string;
  /** How long the sip_trunk.test probe waits for a 2xx. Default 5000 ms [I]. */
  webhookTimeoutMs?: number;
}

export interface DailyTrunkConfig {
  room_template: Record<string, unknown>;
  notification: { webhook_url: string };
  trunk_config: { allowed_ips: string[]; is_open: boolean; exp_offset: number | null; credential: { username: string } | null };
}

/** A trunk as GET /sip-trunk/{id} answers it. */
export interface DailyTrunk {
  id: string;
  trunk_name: string;
  description: string | null;
  sip_uri: string;
  enabled: boolean;
  config: DailyTrunkConfig;
}

/** A trunk as the state shows it: as read, and whether a credential password is held (never the password or hmac). */
export type DailyStoredTrunk = DailyTrunk & { credential_password_set: boolean };
export type DailyState = StandInState<DailyStoredTrunk>;

const DEFAULT_DOMAIN = 'examplecorp';
const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;
const TRUNK_NAME = /^[a-z0-9]{3,63}$/;
const MAX_LABEL = 63;
const MAX_ALLOWED_IPS = 25;
const MAX_DESCRIPTION = 2048;
const EXP_OFFSET = { min: 60, max: 86_400 };
const LIST_LIMIT = { default: 20, max: 100 };
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const MASK = '***';

/** room_template's values are free (the body check empties it first: see forShapeCheck). */
const roomTemplate = mapOf(string);
const credential = object({ username: optional(string), password: optional(string) });

/** CreateSipTrunkRequest [C]. */
const CREATE = object({
  trunk_name: required(string),
  description: optional(string),
  room_template: required(roomTemplate),
  notification: required(object({ webhook_url: required(string), hmac: optional(string) })),
  trunk_config: optional(
    object({ allowed_ips: optional(listOf(string)), credential: optional(credential), is_open: optional(boolean), exp_offset: optional(integer) }),
  ),
  enabled: optional(boolean),
});

/** UpdateSipTrunkRequest [C]; trunk_name has its own refusal (immutable). */
const UPDATE = object({
  description: optional(string),
  room_template: optional(roomTemplate),
  notification: optional(object({ webhook_url: optional(string), hmac: nullable(string) })),
  trunk_config: optional(
    object({ allowed_ips: optional(listOf(string)), credential: nullable(credential), is_open: optional(boolean), exp_offset: optional(integer) }),
  ),
  enabled: optional(boolean),
});

type Credential = { username?: string; password?: string };
interface CreateBody {
  trunk_name: string;
  description?: string;
  room_template: Record<string, unknown>;
  notification: { webhook_url: string; hmac?: string };
  trunk_config?: { allowed_ips?: string[]; credential?: Credential; is_open?: boolean; exp_offset?: number };
  enabled?: boolean;
}
interface UpdateBody {
  description?: string;
  room_template?: Record<string, unknown>;
  notification?: { webhook_url?: string; hmac?: string | null };
  trunk_config?: { allowed_ips?: string[]; credential?: Credential | null; is_open?: boolean; exp_offset?: number };
  enabled?: boolean;
}

const envelope = (status: number, error: string, info: string): Reply => ({ status, body: { error, info } });
const invalid = (info: string): PlatformRefusal => new PlatformRefusal(envelope(400, 'invalid-request-error', info));
const notFound = (info: string): PlatformRefusal => new PlatformRefusal(envelope(404, 'not-found', info));

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `trunk_config.allowed_ips[0]` */
const formatLoc = (loc: Loc): string => loc.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

function describeIssue(issue: Issue): string {
  const at = formatLoc(issue.loc);
  if (issue.kind === 'missing') return `${at} is required`;
  if (issue.kind === 'unknown') return `${at} is not a known parameter`;
  if (issue.loc.length === 0) return 'the body must be a JSON object';
  return `${at} must be ${describeShape(issue.expected ?? string)}`;
}

const invalidBody = (issues: Issue[]): Reply => envelope(400, 'invalid-request-error', issues.map(describeIssue).join('; '));

/** room_template may hold anything: checked as an object only, so the shape checker sees it emptied. */
const forShapeCheck = (body: unknown): unknown =>
  isPlainObject(body) && isPlainObject(body.room_template) ? { ...body, room_template: {} } : body;

function ipv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part) || Number(part) > 255) return null;
    value = value * 256 + Number(part);
  }
  return value;
}

/** Why an allowed_ips entry is refused, or null: an IPv4 address, or a CIDR block with its host bits zero [C]. */
function allowedIpProblem(entry: string): string | null {
  const [address = '', bits, ...rest] = entry.split('/');
  const value = ipv4(address);
  if (value === null || rest.length > 0) return `${JSON.stringify(entry)} is not an IPv4 address or CIDR block`;
  if (bits === undefined) return null;
  if (!/^(\d|[12]\d|3[0-2])$/.test(bits)) return `${JSON.stringify(entry)} has a bad prefix length`;
  return value % 2 ** (32 - Number(bits)) === 0 ? null : `${JSON.stringify(entry)} is not canonical (its host bits are not zero)`;
}

/** Why a webhook URL is refused, or null. */
function webhookProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `notification.webhook_url ${JSON.stringify(url)} is not a URL`;
  }
  if (parsed.protocol === 'https:') return null;
  if (parsed.protocol === 'http:' && LOOPBACK.has(parsed.hostname)) return null;
  return `notification.webhook_url must be an HTTPS URL`;
}

/** The probe's outcome, kept for the handler by the front. */
interface ProbeOutcome {
  /** The trunk's id (a create's, made up before the probe, which names it). */
  id: string;
  /** The hmac the probe was signed with: the trunk's from now on. */
  hmac: string;
  /** Why the webhook failed the probe; null when it answered 2xx. */
  failure: string | null;
}

/** What the front kept of a request for the handler: the body as sent (the logged one has its hmac masked) and the probe. */
interface FrontRecord {
  body: unknown;
  probe: ProbeOutcome | null;
}

/** What a create or update would store, once its probe passes. */
interface Plan {
  trunk: DailyTrunk;
  /** Set: the credential's password is (re)set; null: it is cleared; undefined: unchanged. */
  passwordSet: boolean | undefined;
  /** null: no probe (an update not touching `notification`). */
  probe: { webhookUrl: string; hmac: 'new' | 'keep' | { given: string } } | null;
}

interface StoredTrunk {
  trunk: DailyTrunk;
  hmac: string;
  passwordSet: boolean;
}

/** The front's records by request (method, trunk id, body as handed on): several when identical requests overlap. */
class FrontRecords {
  private readonly byKey = new Map<string, FrontRecord[]>();

  static key(method: string, id: string | null, body: unknown): string {
    return `${method} ${id ?? ''} ${JSON.stringify(body)}`;
  }

  add(key: string, record: FrontRecord): void {
    this.byKey.set(key, [...(this.byKey.get(key) ?? []), record]);
  }

  take(key: string): FrontRecord | undefined {
    const records = this.byKey.get(key);
    const record = records?.shift();
    if (records?.length === 0) this.byKey.delete(key);
    return record;
  }

  /** After the request was answered (or dropped before its handler ran). */
  forget(key: string, record: FrontRecord): void {
    const left = (this.byKey.get(key) ?? []).filter((r) => r !== record);
    if (left.length > 0) this.byKey.set(key, left);
    else this.byKey.delete(key);
  }
}

class DailyPlatform implements Platform<DailyStoredTrunk> {
  readonly apiKey: string;
  readonly agents = new SeededAgents();
  readonly domain: string;
  readonly records = new FrontRecords();
  private readonly byId = new Map<string, StoredTrunk>();

  readonly routes: Route[] = [
    { method: 'POST', path: /^\/sip-trunk$/, handle: ({ body }) => this.create(body) },
    { method: 'GET', path: /^\/sip-trunk$/, handle: ({ query }) => this.list(query) },
    { method: 'GET', path: /^\/sip-trunk\/([^/]+)$/, handle: ({ params }) => ({ status: 200, body: this.stored(params[0] ?? '').trunk }) },
    { method: 'PUT', path: /^\/sip-trunk\/([^/]+)$/, handle: ({ params, body }) => this.update(params[0] ?? '', body) },
    { method: 'DELETE', path: /^\/sip-trunk\/([^/]+)$/, handle: ({ params }) => this.remove(params[0] ?? '') },
  ];

  constructor(
    options: DailyStandInOptions,
    private readonly random: SeededRandom,
  ) {
    // Daily's keys are 64 hex characters [I].
    this.apiKey = options.apiKey ?? random.hex(64);
    this.domain = options.domain ?? DEFAULT_DOMAIN;
    if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(this.domain) || this.domain.length > MAX_LABEL - 4) {
      throw new Error(`domain ${JSON.stringify(this.domain)} must be lower-case letters, digits and inner hyphens`);
    }
  }

  authenticate(headers: IncomingHttpHeaders): Reply | null {
    const header = headers.authorization;
    if (header === undefined) return envelope(400, 'authorization-header-error', 'missing Authorization header');
    const key = /^Bearer (\S+)$/.exec(header)?.[1];
    if (key === undefined) return envelope(400, 'authorization-header-error', 'bad Authorization header format');
    return key === this.apiKey ? null : envelope(401, 'authentication-error', 'the API key is not valid');
  }

  failure(status: number, message: string): Reply {
    if (status === 429) return envelope(status, 'rate-limit-error', message);
    if (status >= 500) return envelope(status, 'server-error', message);
    if (status === 401) return envelope(status, 'authentication-error', message);
    if (status === 403) return envelope(status, 'forbidden-error', message);
    if (status === 404) return envelope(status, 'not-found', message);
    return envelope(status, 'invalid-request-error', message);
  }

  unknownRoute(method: string, path: string): Reply {
    return envelope(404, 'not-found', `no such endpoint: ${method} ${path}`);
  }

  unparsable(_raw: string, error: Error): Reply {
    return envelope(400, 'json-parsing-error', `the request body could not be parsed as JSON: ${error.message}`);
  }

  numbers(): DailyStoredTrunk[] {
    return [...this.byId.values()].map((s) => ({ ...structuredClone(s.trunk), credential_password_set: s.passwordSet }));
  }

  reset(): void {
    this.byId.clear();
  }

  newHmac(): string {
    return Buffer.from(this.random.hex(64), 'hex').toString('base64');
  }

  /** Daily's ids look like UUIDs [I]. */
  newId(): string {
    const hex = this.random.hex(32);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  sipUri(trunkName: string): string {
    return `sip:${this.domain}-${trunkName}.siptrunk.sip-us.daily.co`;
  }

  /** What a create would store; refuses what Daily refuses (the probe aside). */
  planCreate(body: unknown): Plan {
    const input = conform<CreateBody>(CREATE, forShapeCheck(body), invalidBody);
    const { trunk_name: name } = input;
    if (!TRUNK_NAME.test(name)) throw invalid(`trunk_name ${JSON.stringify(name)} must be 3-63 lower-case letters and digits (no hyphens)`);
    if (`${this.domain}-${name}`.length > MAX_LABEL) {
      throw invalid(`trunk_name ${JSON.stringify(name)} is too long: "${this.domain}-${name}" must be at most ${MAX_LABEL} characters`);
    }
    if ([...this.byId.values()].some((s) => s.trunk.trunk_name === name)) throw invalid(`a SIP trunk named ${JSON.stringify(name)} already exists`);
    const roomTemplate = (body as { room_template: Record<string, unknown> }).room_template;
    this.checkCommon(input.description, roomTemplate, input.notification, input.trunk_config);
    const config = input.trunk_config ?? {};
    const trunkConfig: DailyTrunkConfig['trunk_config'] = {
      allowed_ips: config.allowed_ips ?? [],
      is_open: config.is_open ?? false,
      exp_offset: config.exp_offset ?? null,
      credential: config.credential ? { username: config.credential.username ?? '' } : null,
    };
    checkAdmission(trunkConfig);
    const trunk: DailyTrunk = {
      id: '',
      trunk_name: name,
      description: input.description ?? null,
      sip_uri: this.sipUri(name),
      enabled: input.enabled ?? true,
      config: { room_template: structuredClone(roomTemplate), notification: { webhook_url: input.notification.webhook_url }, trunk_config: trunkConfig },
    };
    const given = input.notification.hmac;
    return { trunk, passwordSet: config.credential !== undefined, probe: { webhookUrl: input.notification.webhook_url, hmac: given === undefined ? 'new' : { given } } };
  }

  /** What an update would store; refuses what Daily refuses (the probe aside). */
  planUpdate(id: string, body: unknown): Plan {
    if (isPlainObject(body) && 'trunk_name' in body) throw invalid('trunk_name is immutable: delete the trunk and create another');
    const input = conform<UpdateBody>(UPDATE, forShapeCheck(body ?? {}), invalidBody);
    const stored = this.stored(id);
    const roomTemplate = isPlainObject(body) && isPlainObject(body.room_template) ? body.room_template : undefined;
    this.checkCommon(input.description, roomTemplate, input.notification, input.trunk_config);
    const trunk = structuredClone(stored.trunk);
    if (input.description !== undefined) trunk.description = input.description;
    if (roomTemplate !== undefined) trunk.config.room_template = structuredClone(roomTemplate);
    if (input.enabled !== undefined) trunk.enabled = input.enabled;
    const config = input.trunk_config ?? {};
    const trunkConfig = trunk.config.trunk_config;
    if (config.allowed_ips !== undefined) trunkConfig.allowed_ips = config.allowed_ips;
    if (config.is_open !== undefined) trunkConfig.is_open = config.is_open;
    if (config.exp_offset !== undefined) trunkConfig.exp_offset = config.exp_offset;
    if (config.credential !== undefined) trunkConfig.credential = config.credential === null ? null : { username: config.credential.username ?? '' };
    checkAdmission(trunkConfig);
    const notification = input.notification;
    if (notification?.webhook_url !== undefined) trunk.config.notification.webhook_url = notification.webhook_url;
    const hmac = notification?.hmac;
    return {
      trunk,
      passwordSet: config.credential === undefined ? undefined : config.credential !== null,
      probe: notification ? { webhookUrl: trunk.config.notification.webhook_url, hmac: hmac === null ? 'new' : hmac === undefined ? 'keep' : { given: hmac } } : null,
    };
  }

  /** The hmac a plan's probe signs with: the given one, a fresh one, or the stored one. */
  probeHmac(plan: Plan, id: string | null): string {
    const hmac = plan.probe?.hmac ?? 'keep';
    if (hmac === 'new') return this.newHmac();
    if (hmac === 'keep') return this.stored(id ?? '').hmac;
    return hmac.given;
  }

  private checkCommon(
    description: string | undefined,
    roomTemplate: Record<string, unknown> | undefined,
    notification: { webhook_url?: string; hmac?: string | null } | undefined,
    config: { allowed_ips?: string[]; credential?: Credential | null; exp_offset?: number } | undefined,
  ): void {
    if (description !== undefined && description.length > MAX_DESCRIPTION) throw invalid(`description must be at most ${MAX_DESCRIPTION} characters`);
    if (roomTemplate) {
      const properties = isPlainObject(roomTemplate.properties) ? roomTemplate.properties : {};
      const absolute = ['exp', 'nbf'].find((k) => k in roomTemplate || k in properties);
      if (absolute) throw invalid(`room_template must not set an absolute ${absolute}: use trunk_config.exp_offset`);
    }
    if (notification?.webhook_url !== undefined) {
      const problem = webhookProblem(notification.webhook_url);
      if (problem) throw invalid(problem);
    }
    if (typeof notification?.hmac === 'string' && (notification.hmac === '' || !BASE64.test(notification.hmac))) {
      // Never echo the value: it is a secret.
      throw invalid('notification.hmac must be base64');
    }
    const ips = config?.allowed_ips;
    if (ips !== undefined) {
      if (ips.length > MAX_ALLOWED_IPS) throw invalid(`trunk_config.allowed_ips holds ${ips.length} entries: at most ${MAX_ALLOWED_IPS}`);
      const bad = ips.map(allowedIpProblem).find((p) => p !== null);
      if (bad) throw invalid(`trunk_config.allowed_ips: ${bad}`);
    }
    const cred = config?.credential;
    if (cred) {
      if (!cred.username) throw invalid('trunk_config.credential.username is required');
      if (cred.password === undefined) throw invalid('trunk_config.credential.password is required');
      const { password } = cred;
      if (password.length < 12 || password.length > 64 || !/[A-Za-z]/.test(password) || !/\d/.test(password)) {
        throw invalid('trunk_config.credential.password must be 12-64 characters with at least one letter and one digit');
      }
    }
    const exp = config?.exp_offset;
    if (exp !== undefined && (exp < EXP_OFFSET.min || exp > EXP_OFFSET.max)) {
      throw invalid(`trunk_config.exp_offset must be ${EXP_OFFSET.min}-${EXP_OFFSET.max} seconds`);
    }
  }

  private create(body: unknown): Reply {
    const record = this.records.take(FrontRecords.key('POST', null, body));
    const plan = this.planCreate(record?.body ?? body);
    const probe = this.passedProbe(record);
    const trunk = { ...plan.trunk, id: probe.id };
    this.byId.set(trunk.id, { trunk, hmac: probe.hmac, passwordSet: plan.passwordSet === true });
    return { status: 200, body: { ...structuredClone(trunk), hmac: probe.hmac } };
  }

  private update(id: string, body: unknown): Reply {
    const record = this.records.take(FrontRecords.key('PUT', id, body));
    const plan = this.planUpdate(id, record?.body ?? body);
    const stored = this.stored(id);
    if (plan.probe) stored.hmac = this.passedProbe(record).hmac;
    stored.trunk = plan.trunk;
    if (plan.passwordSet !== undefined) stored.passwordSet = plan.passwordSet;
    return { status: 200, body: { ...structuredClone(plan.trunk), ...(plan.probe ? { hmac: stored.hmac } : {}) } };
  }

  /** The front's probe, when it passed; the refusal otherwise. */
  private passedProbe(record: FrontRecord | undefined): ProbeOutcome {
    // No probe although the request now passes: the trunks changed while it ran (say, a duplicate was deleted).
    if (!record?.probe) throw new PlatformRefusal(this.failure(500, 'the SIP trunks changed during the sip_trunk.test probe: try again'));
    const { failure } = record.probe;
    if (failure !== null) throw invalid(`notification.webhook_url failed the sip_trunk.test probe (${failure}): it must answer 2xx`);
    return record.probe;
  }

  private list(query: URLSearchParams): Reply {
    const limitText = query.get('limit');
    const limit = limitText === null ? LIST_LIMIT.default : Number(limitText);
    if (!/^\d+$/.test(limitText ?? '1') || limit < 1 || limit > LIST_LIMIT.max) throw invalid(`limit must be an integer 1-${LIST_LIMIT.max}`);
    const enabled = query.get('enabled');
    if (enabled !== null && enabled !== 'true' && enabled !== 'false') throw invalid('enabled must be true or false');
    const name = query.get('trunk_name');
    const description = query.get('description');
    const matching = [...this.byId.values()]
      .map((s) => s.trunk)
      .filter(
        (t) =>
          (name === null || t.trunk_name.includes(name)) &&
          (description === null || (t.description ?? '').includes(description)) &&
          (enabled === null || String(t.enabled) === enabled),
      );
    let from = 0;
    let to = matching.length;
    const after = query.get('starting_after');
    const before = query.get('ending_before');
    if (after !== null) from = this.cursor(matching, 'starting_after', after) + 1;
    if (before !== null) to = this.cursor(matching, 'ending_before', before);
    // ending_before alone answers the page just before it.
    const page = after === null && before !== null ? matching.slice(Math.max(from, to - limit), to) : matching.slice(from, Math.min(to, from + limit));
    return { status: 200, body: { total_count: matching.length, data: structuredClone(page) } };
  }

  private cursor(trunks: DailyTrunk[], name: string, id: string): number {
    const at = trunks.findIndex((t) => t.id === id);
    if (at < 0) throw invalid(`${name} ${JSON.stringify(id)} is not a trunk of this list`);
    return at;
  }

  private remove(id: string): Reply {
    this.stored(id);
    this.byId.delete(id);
    return { status: 200, body: { deleted: true, id } };
  }

  private stored(id: string): StoredTrunk {
    const stored = this.byId.get(id);
    if (!stored) throw notFound(`SIP trunk ${id} not found`);
    return stored;
  }
}

/** Gated (allowed_ips and/or a credential) XOR explicitly open [C]. */
function checkAdmission(config: DailyTrunkConfig['trunk_config']): void {
  const gated = config.allowed_ips.length > 0 || config.credential !== null;
  if (gated && config.is_open) throw invalid('trunk_config: a trunk is either gated (allowed_ips and/or credential) or is_open, not both');
  if (!gated && !config.is_open) throw invalid('trunk_config: a trunk must be gated by allowed_ips and/or credential, or set is_open: true');
}

/** Daily's signature of a notification [C], base64 [I]. */
function sign(hmac: string, timestamp: string, rawBody: string): string {
  return createHmac('sha256', Buffer.from(hmac, 'base64')).update(`${timestamp}.${rawBody}`).digest('base64');
}

/** POSTs the signed sip_trunk.test event; why it failed, or null for a 2xx. */
async function probeWebhook(url: string, hmac: string, trunk: DailyTrunk, id: string, timeoutMs: number, closing: AbortSignal): Promise<string | null> {
  const event = {
    version: '1.0.0',
    type: 'sip_trunk.test',
    id: `evt-${id}-${Date.now()}`,
    event_ts: Date.now() / 1000,
    trunk: { id, trunk_name: trunk.trunk_name, description: trunk.description, sip_uri: trunk.sip_uri },
  };
  const raw = JSON.stringify(event);
  const timestamp = String(Date.now());
  try {
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-siptrunk-timestamp': timestamp, 'x-siptrunk-signature': sign(hmac, timestamp, raw) },
      body: raw,
      redirect: 'manual',
      signal: AbortSignal.any([AbortSignal.timeout(timeoutMs), closing]),
    });
    await answer.body?.cancel();
    return answer.status >= 200 && answer.status < 300 ? null : `it answered HTTP ${answer.status}`;
  } catch (error) {
    if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return `it could not be reached: ${cause}`;
  }
}

/** The body with `notification.hmac` masked, as the front hands it on (and the log records it). */
function maskHmac(body: unknown): unknown {
  if (!isPlainObject(body) || !isPlainObject(body.notification) || typeof body.notification.hmac !== 'string') return body;
  return { ...body, notification: { ...body.notification, hmac: MASK } };
}

/** For a body that is not JSON: `"hmac": "…"` masked textually. */
const maskHmacText = (text: string): string => text.replace(/("hmac"\s*:\s*)"(?:[^"\\]|\\.)*"?/g, `$1"${MASK}"`);

const safeDecode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** Runs the probe a create or notification update needs, before the base sees the request; null when none is due. */
async function frontProbe(platform: DailyPlatform, method: string, path: string, body: unknown, timeoutMs: number, closing: AbortSignal): Promise<ProbeOutcome | null> {
  const id = method === 'PUT' ? /^\/sip-trunk\/([^/]+)$/.exec(path)?.[1] : undefined;
  let plan: Plan;
  try {
    plan = id !== undefined ? platform.planUpdate(safeDecode(id), body) : platform.planCreate(body);
  } catch (error) {
    // The handler will refuse it the same way.
    if (error instanceof PlatformRefusal) return null;
    throw error;
  }
  if (!plan.probe) return null;
  const trunkId = id !== undefined ? safeDecode(id) : platform.newId();
  const hmac = platform.probeHmac(plan, trunkId);
  const failure = await probeWebhook(plan.probe.webhookUrl, hmac, plan.trunk, trunkId, timeoutMs, closing);
  return { id: trunkId, hmac, failure };
}

/**
 * The front: reads a request, runs its probe if one is due, masks a sent hmac, and hands it to the base on
 * `inner` (same method, path and headers); the base's answer, or its dropped connection, goes back as it is.
 */
async function startFront(platform: DailyPlatform, inner: URL, options: DailyStandInOptions): Promise<{ url: string; close(): Promise<void> }> {
  const host = '127.0.0.1';
  const timeoutMs = options.webhookTimeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const closing = new AbortController();
  // One connection per request, so a dropped one takes no other request with it.
  const agent = new Agent({ keepAlive: false });
  let ownHosts: string[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://stand-in.invalid');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req);
    const headers: IncomingHttpHeaders = { ...req.headers, host: inner.host };
    delete headers['transfer-encoding'];
    if (url.pathname === '/_admin' || url.pathname.startsWith('/_admin/')) {
      const refused = refuseForeignCaller(ownHosts, req.headers.host, req.headers.origin);
      if (refused) {
        send(res, refused.status, refused.body);
        return;
      }
      delete headers.origin;
    } else if (body.tooLarge) {
      const failed = platform.failure(413, 'request body too large');
      send(res, failed.status, failed.body);
      return;
    }

    let text = body.text;
    let recorded: { key: string; record: FrontRecord } | null = null;
    const trunkWrite = (method === 'POST' && url.pathname === '/sip-trunk') || (method === 'PUT' && /^\/sip-trunk\/[^/]+$/.test(url.pathname));
    let parsed: unknown;
    try {
      parsed = text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      text = maskHmacText(text);
    }
    if (parsed !== undefined) {
      const masked = maskHmac(parsed);
      if (masked !== parsed) text = JSON.stringify(masked);
      if (trunkWrite && platform.authenticate(req.headers) === null) {
        const probe = await frontProbe(platform, method, url.pathname, parsed, timeoutMs, closing.signal);
        const id = method === 'PUT' ? safeDecode(url.pathname.slice('/sip-trunk/'.length)) : null;
        // The key is the body as the handler will see it: handed on as `text`, parsed again.
        recorded = { key: FrontRecords.key(method, id, JSON.parse(text) as unknown), record: { body: parsed, probe } };
        platform.records.add(recorded.key, recorded.record);
      }
    }
    headers['content-length'] = String(Buffer.byteLength(text));

    await new Promise<void>((resolve) => {
      const upstream = httpRequest({ host: inner.hostname, port: inner.port, method, path: req.url, headers, agent }, (answer) => {
        const { connection: _connection, 'keep-alive': _keepAlive, ...answerHeaders } = answer.headers;
        res.writeHead(answer.statusCode ?? 502, answerHeaders);
        answer.pipe(res);
        answer.on('error', () => res.destroy());
        answer.on('end', resolve);
      });
      // The base dropped the connection (a drop fault): so does the front.
      upstream.on('error', () => {
        req.socket.destroy();
        resolve();
      });
      // The client gave up (e.g. behind a latency fault): the base sees it give up too.
      res.on('close', () => {
        if (!res.writableFinished) upstream.destroy();
        resolve();
      });
      upstream.end(text);
    });
    if (recorded) platform.records.forget(recorded.key, recorded.record);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const failed = platform.failure(500, `stand-in error: ${String(error)}`);
      send(res, failed.status, failed.body);
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
  ownHosts = adminHosts(host, port);
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

/** Daily's SIP trunk API on 127.0.0.1 (a free port unless `port`): give `url` as the client's base URL. */
export async function startDailyStandIn(options: DailyStandInOptions = {}): Promise<RunningStandIn<DailyStoredTrunk>> {
  const built: { platform?: DailyPlatform } = {};
  // The base listens on a port of its own; `port` is the front's.
  const inner = await startStandIn((random) => (built.platform = new DailyPlatform(options, random)), { ...options, port: 0 });
  const { platform } = built;
  if (!platform) throw new Error('the stand-in base did not build its platform');
  let front: { url: string; close(): Promise<void> };
  try {
    front = await startFront(platform, new URL(inner.url), options);
  } catch (error) {
    await inner.close();
    throw error;
  }
  return {
    url: front.url,
    apiKey: inner.apiKey,
    admin: inner.admin,
    close: async () => {
      await front.close();
      await inner.close();
    },
  };
}
