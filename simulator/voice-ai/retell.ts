// A stand-in for Retell AI's phone-number API (custom telephony import) and agent read, as retell-sdk 5.66.1 calls it.
//
// Shapes are the SDK's: requests and responses from node_modules/retell-sdk/resources/phone-number.d.ts
// (PhoneNumberImportParams, PhoneNumberUpdateParams, PhoneNumberListParams, PhoneNumberResponse,
// PhoneNumberListResponse), paths from node_modules/retell-sdk/resources/phone-number.js (the list is
// GET /v2/list-phone-numbers), the agent from node_modules/retell-sdk/resources/agent.d.ts (AgentResponse; GET
// /get-agent/{agent_id} in agent.js), auth from client.js (`Authorization: Bearer <key>`).
//
// Tags: [C] the SDK says so; [I] inferred (Retell publishes no error catalogue the SDK carries):
// - Error envelope `{status: "error", message}` [I]. The SDK (core/error.js APIError.makeMessage) reads `message`
//   from the JSON body and shows "<status> <message>"; which class is thrown follows the status (README "Handling
//   errors": 400 BadRequestError, 401 AuthenticationError, 404 NotFoundError, 409 ConflictError, ≥500
//   InternalServerError).
// - Body check failures (unknown field, missing required field, wrong type, weights not summing to 1, a bad
//   transport or country code) answer 400 [I]. The weights rule itself is [C] ("Total weights must add up to 1").
// - An unknown agent, bound or read, answers 404 [I: the status get-agent would give; the real API may answer
//   400/422 when binding].
// - Importing a number already imported answers 409 [I]. The SDK retries 409 by default.
// - Import answers 201 [I], delete 204 with no body [I]; other successes 200.
// - `ignore_e164_validation` defaults to true [C], so a number is checked against E.164 only when it is false.
// - List: default limit 50, at most 1000, newest import first ('descending' default), `pagination_key` is the last
//   number of the previous page [I].
// - Passwords are never stored: the state keeps only whether one was set, as the response does (it has none).

import type { IncomingHttpHeaders } from 'node:http';
import type { Retell } from 'retell-sdk';
import type { SeededRandom } from '../random';
import {
  PlatformRefusal,
  boolean,
  conform,
  describeShape,
  either,
  listOf,
  nullable,
  number,
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
  SeededAgents,
  type StandInOptions,
  type StandInState,
} from './stand-in';

/** A number as get-phone-number answers it, and whether a SIP trunk password was set. */
export type RetellStoredNumber = Retell.PhoneNumberResponse & { sip_trunk_auth_password_set: boolean };
export type RetellState = StandInState<RetellStoredNumber>;

type AgentWeights = Retell.PhoneNumberImportParams.InboundAgent[];

const agentList = listOf(
  object({
    agent_id: required(string),
    weight: required(number),
    agent_version: optional(either(string, number)),
  }),
);
const countries = listOf(string);

/** PhoneNumberImportParams [C]. */
const IMPORT = object({
  phone_number: required(string),
  termination_uri: required(string),
  allowed_inbound_country_list: nullable(countries),
  allowed_outbound_country_list: nullable(countries),
  ignore_e164_validation: optional(boolean),
  inbound_agents: nullable(agentList),
  inbound_webhook_url: nullable(string),
  nickname: optional(string),
  outbound_agents: nullable(agentList),
  sip_trunk_auth_password: optional(string),
  sip_trunk_auth_username: optional(string),
  transport: nullable(string),
});

/** PhoneNumberUpdateParams [C]. */
const UPDATE = object({
  allowed_inbound_country_list: nullable(countries),
  allowed_outbound_country_list: nullable(countries),
  auth_password: optional(string),
  auth_username: optional(string),
  fallback_number: nullable(string),
  inbound_agents: nullable(agentList),
  inbound_sms_agents: nullable(agentList),
  inbound_sms_webhook_url: nullable(string),
  inbound_webhook_url: nullable(string),
  nickname: nullable(string),
  outbound_agents: nullable(agentList),
  outbound_sms_agents: nullable(agentList),
  termination_uri: optional(string),
  transport: nullable(string),
});

/** "Valid values are "TLS", "TCP" and "UDP". Default is "TCP"." [C: the SDK types it as a string]. */
const TRANSPORTS = ['TLS', 'TCP', 'UDP'];
const E164 = /^\+[1-9]\d{1,14}$/;
const DEFAULT_LIST_LIMIT = 50;
const MAX_LIST_LIMIT = 1000;
/** Floating-point slack for "weights must add up to 1" (0.7 + 0.2 + 0.1 is 0.9999999999999999) [I]. */
const WEIGHT_SLACK = 1e-9;

const envelope = (status: number, message: string): Reply => ({ status, body: { status: 'error', message } });
const refuse = (status: number, message: string): PlatformRefusal => new PlatformRefusal(envelope(status, message));

/** `inbound_agents[0].weight` */
const formatLoc = (loc: Loc): string => loc.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');

function describeIssue(issue: Issue): string {
  const at = formatLoc(issue.loc);
  if (issue.kind === 'missing') return `${at} is required`;
  if (issue.kind === 'unknown') return `${at} is not a known field`;
  if (issue.loc.length === 0) return `the body must be ${describeShape(issue.expected ?? object({}))}`;
  return `${at} must be ${describeShape(issue.expected ?? string)}`;
}

const invalidBody = (issues: Issue[]): Reply => envelope(400, `Invalid request body: ${issues.map(describeIssue).join('; ')}`);

interface StoredNumber {
  number: Retell.PhoneNumberResponse;
  passwordSet: boolean;
  /** Import order, for listing. */
  seq: number;
}

class RetellPlatform implements Platform<RetellStoredNumber> {
  readonly apiKey: string;
  readonly agents: SeededAgents;
  private readonly agentCreated = Date.now();
  private readonly byKey = new Map<string, StoredNumber>();
  private seq = 0;

  readonly routes: Route[] = [
    { method: 'POST', path: /^\/import-phone-number$/, handle: ({ body }) => this.importNumber(body) },
    { method: 'GET', path: /^\/get-phone-number\/([^/]+)$/, handle: ({ params }) => this.getNumber(params[0] ?? '') },
    { method: 'GET', path: /^\/v2\/list-phone-numbers$/, handle: ({ query }) => this.listNumbers(query) },
    { method: 'PATCH', path: /^\/update-phone-number\/([^/]+)$/, handle: ({ params, body }) => this.updateNumber(params[0] ?? '', body) },
    { method: 'DELETE', path: /^\/delete-phone-number\/([^/]+)$/, handle: ({ params }) => this.deleteNumber(params[0] ?? '') },
    { method: 'GET', path: /^\/get-agent\/([^/]+)$/, handle: ({ params }) => this.getAgent(params[0] ?? '') },
  ];
  /** Strictly increasing, so an update is always seen as one. */
  private lastTimestamp = 0;

  constructor(options: StandInOptions, random: SeededRandom) {
    this.apiKey = options.apiKey ?? `key_${random.hex(32)}`;
    this.agents = new SeededAgents(options.agents);
  }

  authenticate(headers: IncomingHttpHeaders): Reply | null {
    return headers.authorization === `Bearer ${this.apiKey}` ? null : envelope(401, 'API key is missing or invalid.');
  }

  failure(status: number, message: string): Reply {
    return envelope(status, message);
  }

  unknownRoute(method: string, path: string): Reply {
    return envelope(404, `Not Found: no route ${method} ${path}`);
  }

  unparsable(_raw: string, error: Error): Reply {
    return envelope(400, `Invalid JSON body: ${error.message}`);
  }

  numbers(): RetellStoredNumber[] {
    return this.ordered('ascending').map((s) => ({ ...s.number, sip_trunk_auth_password_set: s.passwordSet }));
  }

  reset(): void {
    this.byKey.clear();
  }

  private importNumber(body: unknown): Reply {
    const input = conform<Retell.PhoneNumberImportParams>(IMPORT, body ?? null, invalidBody);
    if (input.ignore_e164_validation === false && !E164.test(input.phone_number)) {
      throw refuse(400, `Invalid request body: phone_number ${JSON.stringify(input.phone_number)} is not E.164 ("+", then up to 15 digits)`);
    }
    if (input.phone_number.trim() === '') throw refuse(400, 'Invalid request body: phone_number must not be empty');
    this.checkValues(input);
    if (this.byKey.has(input.phone_number)) throw refuse(409, `Phone number ${input.phone_number} already exists`);
    const number: Retell.PhoneNumberResponse = {
      phone_number: input.phone_number,
      phone_number_type: 'custom',
      last_modification_timestamp: this.now(),
      nickname: input.nickname ?? null,
      inbound_webhook_url: input.inbound_webhook_url ?? null,
      inbound_agents: input.inbound_agents ?? null,
      outbound_agents: input.outbound_agents ?? null,
      allowed_inbound_country_list: input.allowed_inbound_country_list ?? null,
      allowed_outbound_country_list: input.allowed_outbound_country_list ?? null,
      sip_outbound_trunk_config: {
        termination_uri: input.termination_uri,
        auth_username: input.sip_trunk_auth_username ?? null,
        transport: input.transport ?? 'TCP',
      },
    };
    this.byKey.set(number.phone_number, { number, passwordSet: input.sip_trunk_auth_password !== undefined, seq: ++this.seq });
    return { status: 201, body: number };
  }

  private getNumber(phoneNumber: string): Reply {
    return { status: 200, body: this.stored(phoneNumber).number };
  }

  private listNumbers(query: URLSearchParams): Reply {
    const limitText = query.get('limit');
    const limit = limitText === null ? DEFAULT_LIST_LIMIT : Number(limitText);
    if (!/^\d+$/.test(limitText ?? '1') || limit < 1 || limit > MAX_LIST_LIMIT) {
      throw refuse(400, `Invalid query: limit ${JSON.stringify(limitText)} must be an integer 1–${MAX_LIST_LIMIT}`);
    }
    const sortOrder = query.get('sort_order') ?? 'descending';
    if (sortOrder !== 'ascending' && sortOrder !== 'descending') {
      throw refuse(400, `Invalid query: sort_order ${JSON.stringify(sortOrder)} must be "ascending" or "descending"`);
    }
    const all = this.ordered(sortOrder);
    const key = query.get('pagination_key');
    let start = 0;
    if (key !== null) {
      const at = all.findIndex((s) => s.number.phone_number === key);
      if (at < 0) throw refuse(400, `Invalid query: pagination_key ${JSON.stringify(key)} is not a number of this list`);
      start = at + 1;
    }
    const page = all.slice(start, start + limit).map((s) => s.number);
    const hasMore = start + limit < all.length;
    const answer: Retell.PhoneNumberListResponse = { items: page, has_more: hasMore };
    const last = page[page.length - 1];
    if (hasMore && last) answer.pagination_key = last.phone_number;
    return { status: 200, body: answer };
  }

  private updateNumber(phoneNumber: string, body: unknown): Reply {
    const input = conform<Retell.PhoneNumberUpdateParams>(UPDATE, body ?? {}, invalidBody);
    const stored = this.stored(phoneNumber);
    this.checkValues(input);
    const fallback = input.fallback_number;
    if (fallback !== undefined && fallback !== null) {
      if (fallback === phoneNumber) throw refuse(400, 'fallback_number cannot be the same as this phone number');
      if (this.byKey.get(fallback)?.number.fallback_number) {
        throw refuse(400, `fallback_number ${fallback} already has its own fallback configured`);
      }
    }
    const { auth_password, auth_username, termination_uri, transport, ...rest } = input;
    const number: Retell.PhoneNumberResponse = { ...stored.number, ...rest, last_modification_timestamp: this.now() };
    const trunk = { ...number.sip_outbound_trunk_config };
    if (auth_username !== undefined) trunk.auth_username = auth_username;
    if (termination_uri !== undefined) trunk.termination_uri = termination_uri;
    if (transport !== undefined) trunk.transport = transport ?? 'TCP';
    number.sip_outbound_trunk_config = trunk;
    stored.number = number;
    if (auth_password !== undefined) stored.passwordSet = true;
    return { status: 200, body: number };
  }

  private deleteNumber(phoneNumber: string): Reply {
    this.stored(phoneNumber);
    this.byKey.delete(phoneNumber);
    return { status: 204 };
  }

  private getAgent(agentId: string): Reply {
    const name = this.agents.name(agentId);
    if (name === undefined) throw refuse(404, `Agent ${agentId} not found`);
    const agent: Retell.AgentResponse = {
      agent_id: agentId,
      agent_name: name,
      version: 0,
      is_published: false,
      last_modification_timestamp: this.agentCreated,
      voice_id: '11labs-Adrian',
      response_engine: { type: 'retell-llm', llm_id: `llm_${agentId}` },
    };
    return { status: 200, body: agent };
  }

  private stored(phoneNumber: string): StoredNumber {
    const stored = this.byKey.get(phoneNumber);
    if (!stored) throw refuse(404, `Phone number ${phoneNumber} not found`);
    return stored;
  }

  private ordered(order: 'ascending' | 'descending'): StoredNumber[] {
    const all = [...this.byKey.values()].sort((a, b) => a.seq - b.seq);
    return order === 'ascending' ? all : all.reverse();
  }

  private now(): number {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    return this.lastTimestamp;
  }

  /** The rules the shape cannot say: transports, country codes, weights, agents that exist. */
  private checkValues(input: Retell.PhoneNumberImportParams | Retell.PhoneNumberUpdateParams): void {
    if (input.transport != null && !TRANSPORTS.includes(input.transport)) {
      throw refuse(400, `Invalid request body: transport ${JSON.stringify(input.transport)} must be one of "TLS", "TCP", "UDP"`);
    }
    for (const field of ['allowed_inbound_country_list', 'allowed_outbound_country_list'] as const) {
      const bad = (input[field] ?? []).find((c) => !/^[A-Z]{2}$/.test(c));
      if (bad !== undefined) throw refuse(400, `Invalid request body: ${field} holds ${JSON.stringify(bad)}: not an ISO 3166-1 alpha-2 code`);
    }
    const lists: [string, AgentWeights | null | undefined, boolean][] = [
      ['inbound_agents', input.inbound_agents, true],
      ['outbound_agents', input.outbound_agents, true],
      // SMS agents are chat agents, which the stand-in does not seed: their weights are checked, not their ids.
      ['inbound_sms_agents', 'inbound_sms_agents' in input ? input.inbound_sms_agents : undefined, false],
      ['outbound_sms_agents', 'outbound_sms_agents' in input ? input.outbound_sms_agents : undefined, false],
    ];
    for (const [field, agents, mustExist] of lists) {
      if (!agents || agents.length === 0) continue;
      const outOfRange = agents.findIndex((a) => a.weight < 0 || a.weight > 1);
      if (outOfRange >= 0) throw refuse(400, `Invalid request body: ${field}[${outOfRange}].weight must be between 0 and 1`);
      const total = agents.reduce((sum, a) => sum + a.weight, 0);
      if (Math.abs(total - 1) > WEIGHT_SLACK) throw refuse(400, `Invalid request body: ${field} weights must add up to 1 (they add up to ${total})`);
      const unknown = mustExist ? agents.find((a) => this.agents.name(a.agent_id) === undefined) : undefined;
      if (unknown) throw refuse(404, `Agent ${unknown.agent_id} not found`);
    }
  }
}

export function startRetellStandIn(options: StandInOptions = {}): Promise<RunningStandIn<RetellStoredNumber>> {
  return startStandIn((random) => new RetellPlatform(options, random), options);
}
