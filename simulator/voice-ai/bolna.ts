// A stand-in for Bolna's SIP trunk API, the new generation (`/trunk/...`; the legacy `/sip-trunks/...` is not
// modelled). Bolna has no SDK: the client is voice-ai/bolna.ts over plain HTTP.
//
// Sources: bolna.ai/docs api-reference/trunks/{overview, create, get, update, delete, add_gateway, remove_gateway,
// add_carrier_ip, remove_carrier_ip, add_number, remove_number, connection_details} (OpenAPI 3.1 pages, read
// 2026-12); bolna-ai/mcp src/lib/errors.ts (Bolna's own MCP server, "confirmed against the live API"); Bolna's OpenAPI
// in bolna-ai/skills references/openapi.yml @ 28b24aa (the older endpoints and their paging envelope).
//
// Tags: [C] Bolna's docs or repositories say so; [I] inferred:
// - Paths, methods, `Authorization: Bearer <key>`, ids as UUIDs, create answering 200 (not 201) [C].
// - Trunk fields, their types, ranges and defaults (name 1–100, description ≤ 500, preset enum, inbound/outbound
//   enabled default true, channels 1–1000 default 10, transport udp|tcp, codecs a non-empty ordered subset of
//   PCMU,PCMA; PATCH adds is_active and takes null to clear description, preset, default agent and credentials;
//   auth_username and auth_password are sent together, null on both clears them) [C]. Defaults of transport (udp),
//   codecs (PCMU,PCMA) and outbound_leading_plus_enabled (true) [I].
// - A trunk answer holds its gateways, ip_acls and numbers, `health` and `active_calls`; the password is never
//   returned [C]. Delete answers the deleted trunk's own settings [C]. Field names inside gateways (`host`, `port`,
//   `priority`) and carrier IPs (`cidr`) are [C] from the request examples; ids and `created_at` in them [I];
//   `health` values (`waiting_for_carrier`, `disabled`) [I], from the dashboard's words.
// - At most 8 gateways per trunk [C]; the ninth answers 400 [I]. Gateways are listed by ascending priority, ties in
//   the order added [C: the order outbound calls try them]. A duplicate gateway is accepted [I: nothing says
//   otherwise]. Port 1–65535 default 5060, priority an integer ≥ 0 default 1, host without scheme or port [I].
// - A bare carrier IP is stored as /32 [C]; IPv4 only, host bits set refused 422 (Python's ip_network, strict),
//   the same CIDR twice on a trunk 409 [I].
// - A number: `e164` `^\+[1-9]\d{6,14}$` and `destination_key` (≥ 1 character) required, `agent_id` optional or
//   null [C]; the same e164 twice on the account 409 [I]; a removed number can be added again [C].
// - An agent id must be one of the account's agents [C]; an unknown one answers 404 [I], like the other stand-ins.
// - Errors: FastAPI's shapes [I, the API's OpenAPI style and the `detail` key]: 422 `{detail: [{type, loc, msg}]}`
//   with pydantic's texts and no `input` (it would echo passwords), unknown fields refused (`extra_forbidden`: the
//   real API may ignore them), other refusals `{detail: "<message>"}` — Bolna's MCP server reads `message`, then
//   `detail`, then `error`, and says auth errors come as `{detail}` [C]. An unknown route 404, another method 405.
// - Auth: no bearer token 401 `Not authenticated` [I: FastAPI's HTTPBearer]; a wrong key 403 [C: "The live API
//   returns 403 (not 401) for an invalid/expired key", bolna-ai/mcp].
// - A path id that is not a UUID answers 422 `uuid_parsing` [I: FastAPI with a UUID path parameter].
// - The list `GET /trunk/trunks` has no page in the docs read: it answers a bare array (as the legacy list does
//   [C]); with `listPageSize` it pages instead with the envelope Bolna's other lists use, `{page_number, page_size,
//   total, has_more, data}` and `?page_number=&page_size=` [C for executions]. Whether a list item holds the
//   sub-resources is unknown; here it does [I].
// - `GET /trunk/pop` values [C: sip_domain trunk.bolna.ai, port 5060, udp/tcp, 15.252.21.46 and 13.206.230.198,
//   RTP 30000–40000]; `rtp_ports` as `{start, end}` [I].
// - Passwords are never stored: the state keeps only whether one is set (`auth_password_set`).

import type { IncomingHttpHeaders } from 'node:http';
import type { SeededRandom } from '../random';
import {
  PlatformRefusal,
  boolean,
  conform,
  integer,
  listOf,
  nullable,
  object,
  oneOf,
  optional,
  required,
  startStandIn,
  string,
  type Loc,
  type Platform,
  type Reply,
  type Route,
  type RunningStandIn,
  SeededAgents,
  type Shape,
  type StandInOptions,
  type StandInState,
} from './stand-in';
import { invalidBody, unprocessable, type PydanticError } from './pydantic';

export const BOLNA_PRESETS = ['plivo', 'telnyx', 'twilio', 'exotel', 'vobiz', 'vonage', 'custom'] as const;
export type BolnaPreset = (typeof BOLNA_PRESETS)[number];

export interface BolnaGatewayAnswer {
  id: string;
  host: string;
  port: number;
  priority: number;
  created_at: string;
}

export interface BolnaIpAclAnswer {
  id: string;
  /** Always with a prefix length: a bare address is stored as /32. */
  cidr: string;
  created_at: string;
}

export interface BolnaNumberAnswer {
  id: string;
  trunk_id: string;
  e164: string;
  destination_key: string;
  agent_id: string | null;
  created_at: string;
  updated_at: string;
}

/** A trunk's own settings: what DELETE answers. */
export interface BolnaTrunkSettings {
  id: string;
  name: string;
  description: string | null;
  preset: BolnaPreset | null;
  is_active: boolean;
  inbound_enabled: boolean;
  outbound_enabled: boolean;
  channels: number;
  default_inbound_agent_id: string | null;
  auth_username: string | null;
  transport: 'udp' | 'tcp';
  codecs: string;
  outbound_leading_plus_enabled: boolean;
  created_at: string;
  updated_at: string;
}

/** A trunk as create, get, update and list answer it. */
export interface BolnaTrunkAnswer extends BolnaTrunkSettings {
  gateways: BolnaGatewayAnswer[];
  ip_acls: BolnaIpAclAnswer[];
  numbers: BolnaNumberAnswer[];
  health: 'waiting_for_carrier' | 'disabled';
  active_calls: number;
}

/** A trunk as the API answers it, and whether a carrier password is set (the password itself is never held). */
export type BolnaStoredTrunk = BolnaTrunkAnswer & { auth_password_set: boolean };
/** `numbers` holds the trunks (the shared base names it for the other platforms' objects), in creation order. */
export type BolnaState = StandInState<BolnaStoredTrunk>;

export interface BolnaStandInOptions extends StandInOptions {
  /** Page `GET /trunk/trunks` with this default page size; omitted, the list is one bare array. */
  listPageSize?: number;
}

export const BOLNA_POP = {
  sip_domain: 'trunk.bolna.ai',
  port: 5060,
  transports: ['udp', 'tcp'],
  ips: ['15.252.21.46', '13.206.230.198'],
  rtp_ports: { start: 30000, end: 40000 },
} as const;

export const MAX_GATEWAYS = 8;
const E164 = /^\+[1-9]\d{6,14}$/;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;
const CODECS = ['PCMU', 'PCMA'];
const MAX_PAGE_SIZE = 100;

const preset = oneOf(...BOLNA_PRESETS);
const transport = oneOf('udp', 'tcp');
const GATEWAY = object({ host: required(string), port: optional(integer), priority: optional(integer) });
const IP_ACL = object({ cidr: required(string) });

/** TrunkCreate [C], and (inline gateways and carrier IPs [I]: the create page names both, the read part did not say how). */
const CREATE = object({
  name: required(string),
  description: optional(string),
  preset: optional(preset),
  inbound_enabled: optional(boolean),
  outbound_enabled: optional(boolean),
  channels: optional(integer),
  default_inbound_agent_id: optional(string),
  auth_username: optional(string),
  auth_password: optional(string),
  transport: optional(transport),
  codecs: optional(string),
  outbound_leading_plus_enabled: optional(boolean),
  gateways: optional(listOf(GATEWAY)),
  ip_acls: optional(listOf(IP_ACL)),
});

/** TrunkUpdate [C]: send only what changes. */
const UPDATE = object({
  name: optional(string),
  description: nullable(string),
  preset: nullable(preset),
  is_active: optional(boolean),
  inbound_enabled: optional(boolean),
  outbound_enabled: optional(boolean),
  channels: optional(integer),
  default_inbound_agent_id: nullable(string),
  auth_username: nullable(string),
  auth_password: nullable(string),
  transport: optional(transport),
  outbound_leading_plus_enabled: optional(boolean),
  codecs: optional(string),
});

const NUMBER = object({ e164: required(string), destination_key: required(string), agent_id: nullable(string) });

interface TrunkCreate {
  name: string;
  description?: string;
  preset?: BolnaPreset;
  inbound_enabled?: boolean;
  outbound_enabled?: boolean;
  channels?: number;
  default_inbound_agent_id?: string;
  auth_username?: string;
  auth_password?: string;
  transport?: 'udp' | 'tcp';
  codecs?: string;
  outbound_leading_plus_enabled?: boolean;
  gateways?: GatewayCreate[];
  ip_acls?: { cidr: string }[];
}
type TrunkUpdate = { [K in keyof Omit<TrunkCreate, 'gateways' | 'ip_acls'>]?: TrunkCreate[K] | null } & { is_active?: boolean };
interface GatewayCreate {
  host: string;
  port?: number;
  priority?: number;
}
interface NumberCreate {
  e164: string;
  destination_key: string;
  agent_id?: string | null;
}

// ---------------------------------------------------------------------------------------------------------------
// FastAPI / pydantic v2 envelopes [I].

const detail = (status: number, message: string): Reply => ({ status, body: { detail: message } });
const refuse = (status: number, message: string): PlatformRefusal => new PlatformRefusal(detail(status, message));
const invalid = (errors: PydanticError[]): PlatformRefusal => new PlatformRefusal(unprocessable(errors));



/** The body as T, or the 422 of every shape issue; a POST without a body is `body: Field required`. */
function bodyOf<T>(shape: Shape, body: unknown, absent: 'missing' | 'empty'): T {
  if (body === undefined && absent === 'missing') throw invalid([{ type: 'missing', loc: ['body'], msg: 'Field required' }]);
  return conform<T>(shape, body ?? {}, invalidBody, ['body']);
}

/** Range and length rules, pydantic's words; collected, then refused together. */
class Constraints {
  readonly errors: PydanticError[] = [];

  length(loc: Loc, value: string | null | undefined, min: number, max?: number): void {
    if (value == null) return;
    if (value.length < min) {
      this.errors.push({ type: 'string_too_short', loc, msg: `String should have at least ${min} character${min === 1 ? '' : 's'}`, ctx: { min_length: min } });
    } else if (max !== undefined && value.length > max) {
      this.errors.push({ type: 'string_too_long', loc, msg: `String should have at most ${max} characters`, ctx: { max_length: max } });
    }
  }

  range(loc: Loc, value: number | null | undefined, min: number, max?: number): void {
    if (value == null) return;
    if (value < min) this.errors.push({ type: 'greater_than_equal', loc, msg: `Input should be greater than or equal to ${min}`, ctx: { ge: min } });
    else if (max !== undefined && value > max) this.errors.push({ type: 'less_than_equal', loc, msg: `Input should be less than or equal to ${max}`, ctx: { le: max } });
  }

  pattern(loc: Loc, value: string, pattern: RegExp): void {
    if (!pattern.test(value)) this.errors.push({ type: 'string_pattern_mismatch', loc, msg: `String should match pattern '${pattern.source}'`, ctx: { pattern: pattern.source } });
  }

  /** A validator's refusal: pydantic prefixes "Value error, ". */
  value(loc: Loc, message: string): void {
    this.errors.push({ type: 'value_error', loc, msg: `Value error, ${message}`, ctx: { error: message } });
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw invalid(this.errors);
  }
}

/** `PCMA,PCMU`: a non-empty subset of PCMU and PCMA, each once, in order of preference [C]. */
function checkCodecs(c: Constraints, loc: Loc, codecs: string | null | undefined): void {
  if (codecs == null) return;
  const list = codecs.split(',').map((s) => s.trim());
  if (list.some((x) => !CODECS.includes(x)) || new Set(list).size !== list.length) {
    c.value(loc, `codecs must be a non-empty comma-separated subset of PCMU and PCMA, each once (got ${JSON.stringify(codecs)})`);
  }
}

/** A carrier IP as stored: `a.b.c.d/n`, a bare address as /32 [C]; null (with the reason recorded) when refused. */
function normaliseCidr(c: Constraints, loc: Loc, text: string): string | null {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/.exec(text.trim());
  const octets = match?.slice(1, 5).map(Number) ?? [];
  const prefix = match?.[5] === undefined ? 32 : Number(match[5]);
  if (!match || octets.some((o) => o > 255) || prefix > 32) {
    c.value(loc, `${JSON.stringify(text)} does not appear to be an IPv4 address or network`);
    return null;
  }
  const address = octets.reduce((n, o) => n * 256 + o, 0);
  const hostBits = prefix === 32 ? 0 : address % 2 ** (32 - prefix);
  if (hostBits !== 0) {
    c.value(loc, `${text} has host bits set`);
    return null;
  }
  return `${octets.join('.')}/${prefix}`;
}

function checkGateway(c: Constraints, loc: Loc, g: GatewayCreate): void {
  c.length([...loc, 'host'], g.host, 1, 253);
  if (g.host !== '' && !/^[A-Za-z0-9.-]+$/.test(g.host)) c.value([...loc, 'host'], 'host must be a host name or an IPv4 address, without scheme, port or parameters');
  c.range([...loc, 'port'], g.port, 1, 65535);
  c.range([...loc, 'priority'], g.priority, 0);
}

// ---------------------------------------------------------------------------------------------------------------

interface StoredTrunk {
  settings: BolnaTrunkSettings;
  passwordSet: boolean;
  gateways: BolnaGatewayAnswer[];
  ipAcls: BolnaIpAclAnswer[];
  numbers: BolnaNumberAnswer[];
}

const TRUNK = '^/trunk/trunks';
const ID = '([^/]+)';

class BolnaPlatform implements Platform<BolnaStoredTrunk> {
  readonly apiKey: string;
  readonly agents: SeededAgents;
  /** Insertion order is creation order. */
  private readonly trunks = new Map<string, StoredTrunk>();
  private readonly listPageSize: number | undefined;

  readonly routes: Route[] = [
    { method: 'POST', path: new RegExp(`${TRUNK}$`), handle: ({ body }) => this.create(body) },
    { method: 'GET', path: new RegExp(`${TRUNK}$`), handle: ({ query }) => this.list(query) },
    { method: 'GET', path: new RegExp(`${TRUNK}/${ID}$`), handle: ({ params }) => this.get(params) },
    { method: 'PATCH', path: new RegExp(`${TRUNK}/${ID}$`), handle: ({ params, body }) => this.update(params, body) },
    { method: 'DELETE', path: new RegExp(`${TRUNK}/${ID}$`), handle: ({ params }) => this.remove(params) },
    { method: 'POST', path: new RegExp(`${TRUNK}/${ID}/gateways$`), handle: ({ params, body }) => this.addGateway(params, body) },
    { method: 'DELETE', path: new RegExp(`${TRUNK}/${ID}/gateways/${ID}$`), handle: ({ params }) => this.removeGateway(params) },
    { method: 'POST', path: new RegExp(`${TRUNK}/${ID}/ip-acls$`), handle: ({ params, body }) => this.addIpAcl(params, body) },
    { method: 'DELETE', path: new RegExp(`${TRUNK}/${ID}/ip-acls/${ID}$`), handle: ({ params }) => this.removeIpAcl(params) },
    { method: 'POST', path: new RegExp(`${TRUNK}/${ID}/numbers$`), handle: ({ params, body }) => this.addNumber(params, body) },
    { method: 'DELETE', path: new RegExp(`${TRUNK}/${ID}/numbers/${ID}$`), handle: ({ params }) => this.removeNumber(params) },
    { method: 'GET', path: /^\/trunk\/pop$/, handle: () => ({ status: 200, body: BOLNA_POP }) },
  ];

  constructor(
    options: BolnaStandInOptions,
    private readonly random: SeededRandom,
  ) {
    this.apiKey = options.apiKey ?? `bn-${random.hex(32)}`;
    this.agents = new SeededAgents(options.agents);
    if (options.listPageSize !== undefined && !(Number.isInteger(options.listPageSize) && options.listPageSize >= 1)) {
      throw new Error('listPageSize must be an integer ≥ 1');
    }
    this.listPageSize = options.listPageSize;
  }

  authenticate(headers: IncomingHttpHeaders): Reply | null {
    const auth = headers.authorization ?? '';
    if (!/^Bearer\s+\S/i.test(auth)) return detail(401, 'Not authenticated');
    return auth === `Bearer ${this.apiKey}` ? null : detail(403, 'Invalid API key');
  }

  failure(status: number, message: string): Reply {
    return detail(status, message);
  }

  unknownRoute(_method: string, path: string): Reply {
    const known = this.routes.some((r) => r.path.test(path));
    return detail(known ? 405 : 404, known ? 'Method Not Allowed' : 'Not Found');
  }

  unparsable(_raw: string, error: Error): Reply {
    const position = Number(/position (\d+)/.exec(error.message)?.[1] ?? 0);
    return unprocessable([{ type: 'json_invalid', loc: ['body', position], msg: 'JSON decode error', ctx: { error: error.message } }]);
  }

  numbers(): BolnaStoredTrunk[] {
    return [...this.trunks.values()].map((t) => ({ ...this.answer(t), auth_password_set: t.passwordSet }));
  }

  reset(): void {
    this.trunks.clear();
  }

  private create(body: unknown): Reply {
    const input = bodyOf<TrunkCreate>(CREATE, body, 'missing');
    const c = new Constraints();
    this.checkSettings(c, input);
    if ((input.auth_username === undefined) !== (input.auth_password === undefined)) {
      c.value(['body'], 'auth_username and auth_password must be sent together');
    }
    const gateways = input.gateways ?? [];
    gateways.forEach((g, i) => checkGateway(c, ['body', 'gateways', i], g));
    if (gateways.length > MAX_GATEWAYS) c.value(['body', 'gateways'], `a trunk has at most ${MAX_GATEWAYS} gateways`);
    const cidrs = (input.ip_acls ?? []).map((a, i) => normaliseCidr(c, ['body', 'ip_acls', i, 'cidr'], a.cidr));
    c.throwIfAny();
    if (input.default_inbound_agent_id !== undefined) this.agent(input.default_inbound_agent_id);
    const duplicate = cidrs.find((cidr, i) => cidrs.indexOf(cidr) !== i);
    if (duplicate) throw refuse(409, `Carrier IP ${duplicate} is listed twice`);

    const now = this.now();
    const trunk: StoredTrunk = {
      settings: {
        id: this.newId(),
        name: input.name,
        description: input.description ?? null,
        preset: input.preset ?? null,
        is_active: true,
        inbound_enabled: input.inbound_enabled ?? true,
        outbound_enabled: input.outbound_enabled ?? true,
        channels: input.channels ?? 10,
        default_inbound_agent_id: input.default_inbound_agent_id ?? null,
        auth_username: input.auth_username ?? null,
        transport: input.transport ?? 'udp',
        codecs: input.codecs ?? 'PCMU,PCMA',
        outbound_leading_plus_enabled: input.outbound_leading_plus_enabled ?? true,
        created_at: now,
        updated_at: now,
      },
      passwordSet: input.auth_password !== undefined,
      gateways: gateways.map((g) => this.gateway(g)),
      ipAcls: cidrs.map((cidr) => ({ id: this.newId(), cidr: cidr ?? '', created_at: now })),
      numbers: [],
    };
    this.trunks.set(trunk.settings.id, trunk);
    return { status: 200, body: this.answer(trunk) };
  }

  private list(query: URLSearchParams): Reply {
    const all = [...this.trunks.values()].map((t) => this.answer(t));
    if (this.listPageSize === undefined) return { status: 200, body: all };
    const c = new Constraints();
    const pageNumber = this.queryInt(c, query, 'page_number', 1);
    const pageSize = this.queryInt(c, query, 'page_size', this.listPageSize);
    c.range(['query', 'page_number'], pageNumber, 1);
    c.range(['query', 'page_size'], pageSize, 1, MAX_PAGE_SIZE);
    c.throwIfAny();
    const start = (pageNumber - 1) * pageSize;
    const data = all.slice(start, start + pageSize);
    return { status: 200, body: { page_number: pageNumber, page_size: pageSize, total: all.length, has_more: start + pageSize < all.length, data } };
  }

  private get(params: string[]): Reply {
    return { status: 200, body: this.answer(this.trunk(params)) };
  }

  private update(params: string[], body: unknown): Reply {
    const input = bodyOf<TrunkUpdate>(UPDATE, body, 'empty');
    const c = new Constraints();
    this.checkSettings(c, input);
    if ((input.auth_username === undefined) !== (input.auth_password === undefined) || (input.auth_username === null) !== (input.auth_password === null)) {
      // [C] "Send with auth_password. null on both clears the credentials."
      c.value(['body'], 'auth_username and auth_password must be sent together, both set or both null');
    }
    c.throwIfAny();
    const trunk = this.trunk(params);
    if (input.default_inbound_agent_id != null) this.agent(input.default_inbound_agent_id);
    const { auth_password, ...fields } = input;
    const settings = trunk.settings;
    for (const [key, value] of Object.entries(fields) as [keyof TrunkUpdate, unknown][]) {
      if (value !== undefined) (settings as unknown as Record<string, unknown>)[key] = value;
    }
    if (auth_password !== undefined) trunk.passwordSet = auth_password !== null;
    settings.updated_at = this.now();
    return { status: 200, body: this.answer(trunk) };
  }

  private remove(params: string[]): Reply {
    const trunk = this.trunk(params);
    this.trunks.delete(trunk.settings.id);
    return { status: 200, body: { ...trunk.settings } };
  }

  private addGateway(params: string[], body: unknown): Reply {
    const input = bodyOf<GatewayCreate>(GATEWAY, body, 'missing');
    const c = new Constraints();
    checkGateway(c, ['body'], input);
    c.throwIfAny();
    const trunk = this.trunk(params);
    if (trunk.gateways.length >= MAX_GATEWAYS) throw refuse(400, `A trunk has at most ${MAX_GATEWAYS} gateways; remove one first`);
    const gateway = this.gateway(input);
    trunk.gateways.push(gateway);
    this.touch(trunk);
    return { status: 200, body: gateway };
  }

  private removeGateway(params: string[]): Reply {
    const trunk = this.trunk(params);
    const id = this.pathId(params[1], 'gateway_id');
    const gateway = trunk.gateways.find((g) => g.id === id);
    if (!gateway) throw refuse(404, `No gateway ${id} on trunk ${trunk.settings.id}`);
    trunk.gateways = trunk.gateways.filter((g) => g !== gateway);
    this.touch(trunk);
    return { status: 200, body: gateway };
  }

  private addIpAcl(params: string[], body: unknown): Reply {
    const input = bodyOf<{ cidr: string }>(IP_ACL, body, 'missing');
    const c = new Constraints();
    const cidr = normaliseCidr(c, ['body', 'cidr'], input.cidr);
    c.throwIfAny();
    const trunk = this.trunk(params);
    if (trunk.ipAcls.some((a) => a.cidr === cidr)) throw refuse(409, `Carrier IP ${cidr ?? ''} already exists on trunk ${trunk.settings.id}`);
    const acl: BolnaIpAclAnswer = { id: this.newId(), cidr: cidr ?? '', created_at: this.now() };
    trunk.ipAcls.push(acl);
    this.touch(trunk);
    return { status: 200, body: acl };
  }

  private removeIpAcl(params: string[]): Reply {
    const trunk = this.trunk(params);
    const id = this.pathId(params[1], 'acl_id');
    const acl = trunk.ipAcls.find((a) => a.id === id);
    if (!acl) throw refuse(404, `No carrier IP ${id} on trunk ${trunk.settings.id}`);
    trunk.ipAcls = trunk.ipAcls.filter((a) => a !== acl);
    this.touch(trunk);
    return { status: 200, body: acl };
  }

  private addNumber(params: string[], body: unknown): Reply {
    const input = bodyOf<NumberCreate>(NUMBER, body, 'missing');
    const c = new Constraints();
    c.pattern(['body', 'e164'], input.e164, E164);
    c.length(['body', 'destination_key'], input.destination_key, 1);
    c.throwIfAny();
    const trunk = this.trunk(params);
    if (input.agent_id != null) this.agent(input.agent_id);
    for (const other of this.trunks.values()) {
      if (other.numbers.some((n) => n.e164 === input.e164)) throw refuse(409, `Number ${input.e164} already exists on trunk ${other.settings.id}`);
    }
    const now = this.now();
    const number: BolnaNumberAnswer = {
      id: this.newId(),
      trunk_id: trunk.settings.id,
      e164: input.e164,
      destination_key: input.destination_key,
      agent_id: input.agent_id ?? null,
      created_at: now,
      updated_at: now,
    };
    trunk.numbers.push(number);
    this.touch(trunk);
    return { status: 200, body: number };
  }

  private removeNumber(params: string[]): Reply {
    const trunk = this.trunk(params);
    const id = this.pathId(params[1], 'number_id');
    const number = trunk.numbers.find((n) => n.id === id);
    if (!number) throw refuse(404, `No number ${id} on trunk ${trunk.settings.id}`);
    trunk.numbers = trunk.numbers.filter((n) => n !== number);
    this.touch(trunk);
    return { status: 200, body: number };
  }

  /** The settings rules both create and update have. */
  private checkSettings(c: Constraints, input: TrunkCreate | TrunkUpdate): void {
    c.length(['body', 'name'], input.name, 1, 100);
    c.length(['body', 'description'], input.description, 0, 500);
    c.range(['body', 'channels'], input.channels, 1, 1000);
    c.length(['body', 'auth_username'], input.auth_username, 1);
    c.length(['body', 'auth_password'], input.auth_password, 1);
    checkCodecs(c, ['body', 'codecs'], input.codecs);
  }

  private answer(t: StoredTrunk): BolnaTrunkAnswer {
    const gateways = t.gateways.map((g, i) => ({ g, i })).sort((a, b) => a.g.priority - b.g.priority || a.i - b.i).map(({ g }) => ({ ...g }));
    return {
      ...t.settings,
      gateways,
      ip_acls: t.ipAcls.map((a) => ({ ...a })),
      numbers: t.numbers.map((n) => ({ ...n })),
      health: t.settings.is_active ? 'waiting_for_carrier' : 'disabled',
      active_calls: 0,
    };
  }

  private gateway(g: GatewayCreate): BolnaGatewayAnswer {
    return { id: this.newId(), host: g.host, port: g.port ?? 5060, priority: g.priority ?? 1, created_at: this.now() };
  }

  private trunk(params: string[]): StoredTrunk {
    const id = this.pathId(params[0], 'trunk_id');
    const trunk = this.trunks.get(id);
    if (!trunk) throw refuse(404, `No live trunk with id ${id}`);
    return trunk;
  }

  /** A path id as stored (lower case, hyphenated), or the 422 FastAPI gives a UUID parameter that is not one. */
  private pathId(raw: string | undefined, name: string): string {
    const text = raw ?? '';
    if (!UUID.test(text)) throw invalid([{ type: 'uuid_parsing', loc: ['path', name], msg: 'Input should be a valid UUID, unable to parse string as a UUID' }]);
    const hex = text.replace(/-/g, '').toLowerCase();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  private queryInt(c: Constraints, query: URLSearchParams, name: string, fallback: number): number {
    const text = query.get(name);
    if (text === null) return fallback;
    if (!/^-?\d+$/.test(text)) {
      c.errors.push({ type: 'int_parsing', loc: ['query', name], msg: 'Input should be a valid integer, unable to parse string as an integer' });
      return fallback;
    }
    return Number(text);
  }

  private agent(id: string): void {
    if (this.agents.name(id) === undefined) throw refuse(404, `Agent ${id} not found`);
  }

  private touch(trunk: StoredTrunk): void {
    trunk.settings.updated_at = this.now();
  }

  private now(): string {
    return new Date().toISOString();
  }

  /** A version-4 UUID from the seeded generator. */
  private newId(): string {
    const hex = this.random.hex(32).split('');
    hex[12] = '4';
    hex[16] = ((parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
    const h = hex.join('');
    const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
    return this.trunks.has(id) ? this.newId() : id;
  }
}

export function startBolnaStandIn(options: BolnaStandInOptions = {}): Promise<RunningStandIn<BolnaStoredTrunk>> {
  return startStandIn((random) => new BolnaPlatform(options, random), options);
}
