// A stand-in for ElevenLabs Agents' phone-number API (SIP trunk numbers), as @elevenlabs/elevenlabs-js 2.73.0 calls it.
//
// Shapes are the SDK's wire (snake_case) types under node_modules/@elevenlabs/elevenlabs-js/serialization/:
// requests resources/conversationalAi/resources/phoneNumbers/types/PhoneNumbersCreateRequestBody.d.ts (→
// types/CreateSipTrunkPhoneNumberRequest.d.ts, InboundSipTrunkConfigRequestModel.d.ts,
// OutboundSipTrunkConfigRequestModel.d.ts, SipTrunkCredentialsRequestModel.d.ts, MediaCodec.d.ts) and
// …/phoneNumbers/client/requests/UpdatePhoneNumberRequest.d.ts; responses types/CreatePhoneNumberResponseModel.d.ts
// and …/phoneNumbers/types/PhoneNumbersGetResponse.d.ts (→ types/GetPhoneNumberSipTrunkResponseModel.d.ts,
// GetPhoneNumberOutboundSipTrunkConfigResponseModel.d.ts, GetPhoneNumberInboundSipTrunkConfigResponseModel.d.ts,
// PhoneNumberAgentInfo.d.ts); the 422 body types/HttpValidationError.d.ts and ValidationError.d.ts. Paths and the
// `xi-api-key` header from api/resources/conversationalAi/resources/phoneNumbers/client/Client.js. The SDK parses
// every answer against these schemas, so a shape this file gets wrong fails the SDK tests.
//
// Tags: [C] the SDK says so; [I] inferred:
// - 422 `{detail: [{type, loc, msg}]}` is [C] (HttpValidationError); the `type`/`msg` texts and the `loc` prefix
//   (`["body", "sip_trunk", …]`, the union's tag, as pydantic v2 reports a tagged union) are pydantic's [I]. Pydantic
//   also sends `input`, which would echo passwords back: left out (the SDK's ValidationError has no such field).
// - Unknown fields are refused (`extra_forbidden`) [I]: pydantic's default is to ignore them, so the real API may
//   accept what this stand-in refuses; refusing catches a field the caller misspelled.
// - Other errors `{detail: {status, message}}` with 401 `invalid_api_key` / `needs_authorization` [I: ElevenLabs'
//   observed form, not in the SDK]; an unknown phone number or agent 404, a number imported twice 409 [I].
// - An unknown route 404 `{"detail": "Not Found"}`, a known path with another method 405 (FastAPI's defaults) [I].
// - `provider: "twilio"` / `"exotel"` are valid to the SDK but not modelled here: 400 `unsupported_provider`.
// - Defaults in answers: transport "auto", media_encryption "allowed", livekit_stack "standard" [I; media_encryption
//   "allowed" is the documented default]; a trunk absent from the request is absent from the answer ("if
//   configured" [C]). `provider_config` repeats the outbound trunk [I]. Ids are 20 letters and digits, like the SDK's
//   example "TeaqRRdTcIfIu2i7BYfT" [I].
// - PATCH: a trunk config sent replaces the stored one, except that credentials without a password keep the stored
//   password ([C]: "if not specified, then remain unchanged"); a null or absent field leaves it unchanged [I] (so an
//   agent cannot be unassigned here). `has_auth_credentials` is true while a username and a password are held.
// - Passwords are never stored: only whether one is held.

import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http';
import type * as wire from '@elevenlabs/elevenlabs-js/serialization';
import type { SeededRandom } from '../random';
import {
  PlatformRefusal,
  boolean,
  conform,
  listOf,
  mapOf,
  nullable,
  object,
  oneOf,
  required,
  startStandIn,
  string,
  type Platform,
  type Reply,
  type Route,
  type RunningStandIn,
  SeededAgents,
  type StandInOptions,
  type StandInState,
} from './stand-in';
import { invalidBody, quoteList, unprocessable } from './pydantic';

type SipTrunkNumber = wire.conversationalAi.PhoneNumbersGetResponse.SipTrunk;
type CreateSipTrunk = wire.conversationalAi.PhoneNumbersCreateRequestBody.SipTrunk;
type Update = wire.conversationalAi.UpdatePhoneNumberRequest.Raw;
type InboundConfig = wire.InboundSipTrunkConfigRequestModel.Raw;
type OutboundConfig = wire.OutboundSipTrunkConfigRequestModel.Raw;
type InboundAnswer = wire.GetPhoneNumberInboundSipTrunkConfigResponseModel.Raw;
type OutboundAnswer = wire.GetPhoneNumberOutboundSipTrunkConfigResponseModel.Raw;

/** A number as GET /v1/convai/phone-numbers/{id} answers it. */
export type ElevenLabsStoredNumber = SipTrunkNumber;
export type ElevenLabsState = StandInState<SipTrunkNumber>;

const PROVIDERS = ['twilio', 'exotel', 'sip_trunk'];
const mediaEncryption = oneOf('disabled', 'allowed', 'required');
const credentials = object({ username: required(string), password: nullable(string) });
const headerMap = mapOf(string);

const INBOUND = object({
  allowed_addresses: nullable(listOf(string)),
  allowed_numbers: nullable(listOf(string)),
  media_encryption: nullable(mediaEncryption),
  credentials: nullable(credentials),
  remote_domains: nullable(listOf(string)),
  attributes_to_headers: nullable(headerMap),
});
const OUTBOUND = object({
  address: required(string),
  transport: nullable(oneOf('auto', 'udp', 'tcp', 'tls')),
  media_encryption: nullable(mediaEncryption),
  headers: nullable(headerMap),
  attributes_to_headers: nullable(headerMap),
  credentials: nullable(credentials),
  enabled_codecs: nullable(listOf(oneOf('G722/8000', 'PCMU/8000', 'PCMA/8000'))),
});
const CREATE_SIP_TRUNK = object({
  provider: required(oneOf('sip_trunk')),
  phone_number: required(string),
  label: required(string),
  supports_inbound: nullable(boolean),
  supports_outbound: nullable(boolean),
  agent_id: nullable(string),
  inbound_trunk_config: nullable(INBOUND),
  outbound_trunk_config: nullable(OUTBOUND),
});
const UPDATE = object({
  agent_id: nullable(string),
  label: nullable(string),
  inbound_trunk_config: nullable(INBOUND),
  outbound_trunk_config: nullable(OUTBOUND),
  livekit_stack: nullable(oneOf('standard', 'static')),
  store_sip_messages: nullable(boolean),
  environment: nullable(string),
  branch_id: nullable(string),
});

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const detail = (status: number, code: string, message: string): Reply => ({ status, body: { detail: { status: code, message } } });
const refuse = (status: number, code: string, message: string): PlatformRefusal => new PlatformRefusal(detail(status, code, message));



const hasPassword = (sent: InboundConfig['credentials'], before: { has_auth_credentials: boolean } | null | undefined): boolean =>
  sent != null && (sent.password != null || before?.has_auth_credentials === true);

function inboundAnswer(config: InboundConfig, before: InboundAnswer | null | undefined): InboundAnswer {
  return {
    allowed_addresses: config.allowed_addresses ?? [],
    allowed_numbers: config.allowed_numbers ?? null,
    media_encryption: config.media_encryption ?? 'allowed',
    has_auth_credentials: hasPassword(config.credentials, before),
    username: config.credentials?.username ?? null,
    remote_domains: config.remote_domains ?? null,
    attributes_to_headers: config.attributes_to_headers ?? null,
  };
}

function outboundAnswer(config: OutboundConfig, before: OutboundAnswer | null | undefined): OutboundAnswer {
  return {
    address: config.address,
    transport: config.transport ?? 'auto',
    media_encryption: config.media_encryption ?? 'allowed',
    headers: config.headers ?? null,
    attributes_to_headers: config.attributes_to_headers ?? null,
    has_auth_credentials: hasPassword(config.credentials, before),
    username: config.credentials?.username ?? null,
    has_outbound_trunk: true,
    enabled_codecs: config.enabled_codecs ?? null,
  };
}

interface StoredNumber {
  answer: SipTrunkNumber;
  agentId: string | null;
  environment: string | null;
  branchId: string | null;
}

class ElevenLabsPlatform implements Platform<SipTrunkNumber> {
  readonly apiKey: string;
  readonly agents: SeededAgents;
  /** Insertion order is import order. */
  private readonly byKey = new Map<string, StoredNumber>();

  readonly routes: Route[] = [
    { method: 'POST', path: /^\/v1\/convai\/phone-numbers$/, handle: ({ body }) => this.create(body) },
    { method: 'GET', path: /^\/v1\/convai\/phone-numbers$/, handle: ({ query }) => this.list(query) },
    { method: 'GET', path: /^\/v1\/convai\/phone-numbers\/([^/]+)$/, handle: ({ params }) => this.get(params[0] ?? '') },
    { method: 'PATCH', path: /^\/v1\/convai\/phone-numbers\/([^/]+)$/, handle: ({ params, body }) => this.update(params[0] ?? '', body) },
    { method: 'DELETE', path: /^\/v1\/convai\/phone-numbers\/([^/]+)$/, handle: ({ params }) => this.remove(params[0] ?? '') },
  ];

  constructor(
    options: StandInOptions,
    private readonly random: SeededRandom,
  ) {
    this.apiKey = options.apiKey ?? `sk_${random.hex(48)}`;
    this.agents = new SeededAgents(options.agents);
  }

  authenticate(headers: IncomingHttpHeaders): Reply | null {
    const key = headers['xi-api-key'];
    if (key === undefined) {
      return detail(401, 'needs_authorization', 'Neither authorization header nor xi-api-key received, please provide one.');
    }
    return key === this.apiKey ? null : detail(401, 'invalid_api_key', 'Invalid API key');
  }

  failure(status: number, message: string): Reply {
    const code = (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z0-9]+/g, '_');
    return detail(status, code, message);
  }

  unknownRoute(_method: string, path: string): Reply {
    const known = this.routes.some((r) => r.path.test(path));
    return { status: known ? 405 : 404, body: { detail: known ? 'Method Not Allowed' : 'Not Found' } };
  }

  unparsable(_raw: string, error: Error): Reply {
    const position = Number(/position (\d+)/.exec(error.message)?.[1] ?? 0);
    return unprocessable([{ type: 'json_invalid', loc: ['body', position], msg: 'JSON decode error', ctx: { error: error.message } }]);
  }

  numbers(): SipTrunkNumber[] {
    return [...this.byKey.values()].map((s) => s.answer);
  }

  reset(): void {
    this.byKey.clear();
  }

  private create(body: unknown): Reply {
    if (body === undefined) throw new PlatformRefusal(unprocessable([{ type: 'missing', loc: ['body'], msg: 'Field required' }]));
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new PlatformRefusal(invalidBody([{ kind: 'type', loc: ['body'], expected: CREATE_SIP_TRUNK }]));
    }
    const provider = (body as Record<string, unknown>).provider;
    if (provider === undefined) {
      throw new PlatformRefusal(
        unprocessable([{ type: 'union_tag_not_found', loc: ['body'], msg: "Unable to extract tag using discriminator 'provider'", ctx: { discriminator: "'provider'" } }]),
      );
    }
    if (typeof provider !== 'string' || !PROVIDERS.includes(provider)) {
      const tags = PROVIDERS.map((p) => `'${p}'`).join(', ');
      const tag = typeof provider === 'string' ? provider : JSON.stringify(provider);
      throw new PlatformRefusal(
        unprocessable([
          {
            type: 'union_tag_invalid',
            loc: ['body'],
            msg: `Input tag '${tag}' found using 'provider' does not match any of the expected tags: ${tags}`,
            ctx: { discriminator: "'provider'", tag, expected_tags: tags },
          },
        ]),
      );
    }
    if (provider !== 'sip_trunk') {
      throw refuse(400, 'unsupported_provider', `provider "${provider}" is valid on ElevenLabs but not modelled by this stand-in: use "sip_trunk"`);
    }
    const request = conform<CreateSipTrunk>(CREATE_SIP_TRUNK, body, invalidBody, ['body', 'sip_trunk']);
    if (request.agent_id != null) this.agentName(request.agent_id);
    if ([...this.byKey.values()].some((s) => s.answer.phone_number === request.phone_number)) {
      throw refuse(409, 'phone_number_already_exists', `Phone number ${request.phone_number} has already been imported`);
    }
    const id = this.newId();
    const stored: StoredNumber = {
      agentId: request.agent_id ?? null,
      environment: null,
      branchId: null,
      answer: {
        provider: 'sip_trunk',
        phone_number_id: id,
        phone_number: request.phone_number,
        label: request.label,
        supports_inbound: request.supports_inbound ?? true,
        supports_outbound: request.supports_outbound ?? request.outbound_trunk_config != null,
        livekit_stack: 'standard',
        store_sip_messages: false,
      },
    };
    this.applyTrunks(stored, request.inbound_trunk_config, request.outbound_trunk_config);
    this.assignAgent(stored);
    this.byKey.set(id, stored);
    const answer: wire.CreatePhoneNumberResponseModel.Raw = { phone_number_id: id };
    return { status: 200, body: answer };
  }

  private list(query: URLSearchParams): Reply {
    const provider = query.get('provider');
    if (provider !== null && !PROVIDERS.includes(provider)) {
      throw new PlatformRefusal(
        unprocessable([{ type: 'enum', loc: ['query', 'provider'], msg: `Input should be ${quoteList(PROVIDERS)}`, ctx: { expected: quoteList(PROVIDERS) } }]),
      );
    }
    const agentId = query.get('agent_id');
    const branchId = query.get('branch_id');
    const items = [...this.byKey.values()]
      .filter((s) => (provider === null || provider === 'sip_trunk') && (agentId === null || s.agentId === agentId) && (branchId === null || s.branchId === branchId))
      .map((s) => s.answer);
    return { status: 200, body: items };
  }

  private get(id: string): Reply {
    return { status: 200, body: this.stored(id).answer };
  }

  private update(id: string, body: unknown): Reply {
    const request = conform<Update>(UPDATE, body ?? {}, invalidBody, ['body']);
    const stored = this.stored(id);
    if (request.agent_id != null) {
      this.agentName(request.agent_id);
      stored.agentId = request.agent_id;
    }
    if (request.environment != null) stored.environment = request.environment;
    if (request.branch_id != null) stored.branchId = request.branch_id;
    const { answer } = stored;
    if (request.label != null) answer.label = request.label;
    if (request.livekit_stack != null) answer.livekit_stack = request.livekit_stack;
    if (request.store_sip_messages != null) answer.store_sip_messages = request.store_sip_messages;
    this.applyTrunks(stored, request.inbound_trunk_config, request.outbound_trunk_config);
    this.assignAgent(stored);
    return { status: 200, body: answer };
  }

  private remove(id: string): Reply {
    this.stored(id);
    this.byKey.delete(id);
    return { status: 200, body: {} };
  }

  private applyTrunks(stored: StoredNumber, inbound: InboundConfig | null | undefined, outbound: OutboundConfig | null | undefined): void {
    const { answer } = stored;
    if (inbound != null) answer.inbound_trunk = inboundAnswer(inbound, answer.inbound_trunk);
    if (outbound != null) {
      answer.outbound_trunk = outboundAnswer(outbound, answer.outbound_trunk);
      answer.provider_config = answer.outbound_trunk;
    }
  }

  private assignAgent(stored: StoredNumber): void {
    if (stored.agentId === null) return;
    const agent: wire.PhoneNumberAgentInfo.Raw = { agent_id: stored.agentId, agent_name: this.agentName(stored.agentId) };
    if (stored.environment !== null) agent.environment = stored.environment;
    if (stored.branchId !== null) agent.branch_id = stored.branchId;
    stored.answer.assigned_agent = agent;
  }

  private agentName(agentId: string): string {
    const name = this.agents.name(agentId);
    if (name === undefined) throw refuse(404, 'agent_not_found', `Agent ${agentId} not found`);
    return name;
  }

  private stored(id: string): StoredNumber {
    const stored = this.byKey.get(id);
    if (!stored) throw refuse(404, 'phone_number_not_found', `Phone number ${id} not found`);
    return stored;
  }

  private newId(): string {
    let id = '';
    for (let i = 0; i < 20; i++) id += ID_ALPHABET[Math.floor(this.random.next() * ID_ALPHABET.length)] ?? 'A';
    return this.byKey.has(id) ? this.newId() : id;
  }
}

export function startElevenLabsStandIn(options: StandInOptions = {}): Promise<RunningStandIn<SipTrunkNumber>> {
  return startStandIn((random) => new ElevenLabsPlatform(options, random), options);
}
