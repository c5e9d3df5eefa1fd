// ElevenLabs Agents' SIP trunk numbers through its official SDK (@elevenlabs/elevenlabs-js 2.73.0): a number imported
// with `provider: "sip_trunk"`, its outbound trunk dialling Exotel's edge with Exotel's digest credentials, its
// inbound trunk taking Exotel's calls, its agent bound at import; each method one request, each failure a
// PlatformError. ElevenLabs keys numbers by a `phone_number_id` it makes up, so a retried import finds an earlier
// one by listing (findByNumber). Shapes from the SDK's types (CreateSipTrunkPhoneNumberRequest,
// Inbound/OutboundSipTrunkConfigRequestModel, UpdatePhoneNumberRequest) [C]; behaviour of the stand-in
// (simulator/voice-ai/elevenlabs.ts; test/voice-ai/elevenlabs.test.ts), not of ElevenLabs itself: a duplicate import
// is a 409 `phone_number_already_exists`, a missing number a 404 `phone_number_not_found`, and a PATCH of a trunk
// config replaces the stored one (so updates send it whole).
import { ElevenLabs, ElevenLabsClient, ElevenLabsError } from '@elevenlabs/elevenlabs-js';
import type { MediaEncryption } from '../domain/platform-side';
import type { KeyedAccountSettings } from './accounts';
import type { PlatformError } from './errors';
import { deletedUnlessGone, localError, nullWhenNotFound, platformError, withCause } from './sdk-errors';

/** Seconds: like the other platform clients', well inside an activity attempt. */
const REQUEST_TIMEOUT_S = 15;

/** The project's spelling (LiveKit's, domain/platform-side.ts) to ElevenLabs' (SipMediaEncryptionEnum) [C]. */
const MEDIA: Record<MediaEncryption, ElevenLabs.SipMediaEncryptionEnum> = {
  disable: ElevenLabs.SipMediaEncryptionEnum.Disabled,
  allow: ElevenLabs.SipMediaEncryptionEnum.Allowed,
  require: ElevenLabs.SipMediaEncryptionEnum.Required,
};

/** What the elevenlabs profile has a person enter (`["PCMA/8000", "PCMU/8000"]`): Exotel's G.711, A-law first. */
const EXOTEL_CODECS: ElevenLabs.MediaCodec[] = [ElevenLabs.MediaCodec.Pcma8000, ElevenLabs.MediaCodec.Pcmu8000];

/** ElevenLabs dials Exotel's edge with these. `address` is the profile's `{{edge}}`: `host:port`, no `sip:`. */
export interface ElevenLabsOutbound {
  address: string;
  transport: 'tls' | 'tcp';
  mediaEncryption: MediaEncryption;
  username: string;
  password: string;
}

/** How ElevenLabs takes Exotel's calls: credentials only if Exotel is to answer a digest challenge (the profile leaves them empty). */
export interface ElevenLabsInbound {
  mediaEncryption: MediaEncryption;
  username?: string;
  password?: string;
}

export interface ElevenLabsImport {
  /** E.164. */
  phoneNumber: string;
  label: string;
  agentId?: string;
  outbound?: ElevenLabsOutbound;
  inbound?: ElevenLabsInbound;
}

export interface ElevenLabsUpdate {
  label?: string;
  agentId?: string;
  /** The whole outbound trunk (it replaces the stored one); without a password the stored one stays [C]. */
  outbound?: Omit<ElevenLabsOutbound, 'password'> & { password?: string };
  inbound?: ElevenLabsInbound;
}

/** What ElevenLabs holds of a number: never a password (ElevenLabs says only whether one is held). */
export interface ElevenLabsNumberView {
  phoneNumberId: string;
  phoneNumber: string;
  label: string;
  /** `sip_trunk` for what this client imports; another provider's number has no trunks. */
  provider: string;
  agentId: string | null;
  inbound: { mediaEncryption: MediaEncryption; username: string | null; hasCredentials: boolean; allowedAddresses: string[]; allowedNumbers: string[] } | null;
  outbound: { address: string; transport: string; mediaEncryption: MediaEncryption; username: string | null; hasCredentials: boolean; enabledCodecs: string[] } | null;
}

export class ElevenLabsPhoneNumbers {
  private readonly numbers: ElevenLabsClient['conversationalAi']['phoneNumbers'];

  constructor(account: KeyedAccountSettings) {
    if (account.provider !== 'elevenlabs') throw new Error(`ElevenLabsPhoneNumbers needs an elevenlabs account, not ${account.provider} account ${account.name}`);
    // No SDK retries (it would retry 429 and 5xx twice): Temporal's activity retries are the only ones.
    const client = new ElevenLabsClient({ apiKey: account.apiKey, baseUrl: account.baseUrl, maxRetries: 0, timeoutInSeconds: REQUEST_TIMEOUT_S });
    this.numbers = client.conversationalAi.phoneNumbers;
  }

  /**
   * The view is of what was sent, with the id ElevenLabs gave: the import answers only the id, and reading it back
   * would be a second request (getNumber does that, for the cross-check).
   */
  async importSipTrunkNumber(o: ElevenLabsImport): Promise<ElevenLabsNumberView> {
    const operation = 'POST /v1/convai/phone-numbers';
    const inbound = o.inbound ? inboundConfig(operation, o.inbound) : undefined;
    const outbound = o.outbound ? outboundConfig(o.outbound) : undefined;
    const { phoneNumberId } = await this.call(operation, () =>
      this.numbers.create({
        provider: 'sip_trunk',
        phoneNumber: o.phoneNumber,
        label: o.label,
        ...(o.agentId !== undefined ? { agentId: o.agentId } : {}),
        ...(inbound ? { inboundTrunkConfig: inbound } : {}),
        ...(outbound ? { outboundTrunkConfig: outbound } : {}),
      }),
    );
    return {
      phoneNumberId,
      phoneNumber: o.phoneNumber,
      label: o.label,
      provider: 'sip_trunk',
      agentId: o.agentId ?? null,
      inbound: o.inbound
        ? { mediaEncryption: o.inbound.mediaEncryption, username: o.inbound.username ?? null, hasCredentials: o.inbound.password !== undefined, allowedAddresses: [], allowedNumbers: [] }
        : null,
      outbound: o.outbound
        ? { address: o.outbound.address, transport: o.outbound.transport, mediaEncryption: o.outbound.mediaEncryption, username: o.outbound.username, hasCredentials: true, enabledCodecs: [...EXOTEL_CODECS] }
        : null,
    };
  }

  /** The number imported as `phoneNumber` (exactly), or null: how a retried import finds an earlier attempt's. */
  async findByNumber(phoneNumber: string): Promise<ElevenLabsNumberView | null> {
    const all = await this.call('GET /v1/convai/phone-numbers', () => this.numbers.list());
    const found = all.find((n) => n.phoneNumber === phoneNumber);
    return found ? numberView(found) : null;
  }

  /** null when ElevenLabs has no number with this id. */
  async getNumber(phoneNumberId: string): Promise<ElevenLabsNumberView | null> {
    const found = await nullWhenNotFound(this.call('GET /v1/convai/phone-numbers/{phone_number_id}', () => this.numbers.get(phoneNumberId)));
    return found ? numberView(found) : null;
  }

  /** Only what is given changes; a missing number (or agent) is a PlatformError of kind not-found. */
  async updateNumber(phoneNumberId: string, o: ElevenLabsUpdate): Promise<ElevenLabsNumberView> {
    const operation = 'PATCH /v1/convai/phone-numbers/{phone_number_id}';
    const inbound = o.inbound ? inboundConfig(operation, o.inbound) : undefined;
    const updated = await this.call(operation, () =>
      this.numbers.update(phoneNumberId, {
        ...(o.label !== undefined ? { label: o.label } : {}),
        ...(o.agentId !== undefined ? { agentId: o.agentId } : {}),
        ...(inbound ? { inboundTrunkConfig: inbound } : {}),
        ...(o.outbound ? { outboundTrunkConfig: outboundConfig(o.outbound) } : {}),
      }),
    );
    return numberView(updated);
  }

  /** False when it was already gone (a 404). */
  async deleteNumber(phoneNumberId: string): Promise<boolean> {
    return deletedUnlessGone(this.call('DELETE /v1/convai/phone-numbers/{phone_number_id}', () => this.numbers.delete(phoneNumberId)));
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw toPlatformError(operation, err);
    }
  }
}

function outboundConfig(o: ElevenLabsUpdate['outbound'] & {}): ElevenLabs.OutboundSipTrunkConfigRequestModel {
  return {
    address: o.address,
    transport: o.transport === 'tls' ? ElevenLabs.SipTrunkTransportEnum.Tls : ElevenLabs.SipTrunkTransportEnum.Tcp,
    mediaEncryption: MEDIA[o.mediaEncryption],
    credentials: { username: o.username, ...(o.password !== undefined ? { password: o.password } : {}) },
    enabledCodecs: [...EXOTEL_CODECS],
  };
}

function inboundConfig(operation: string, o: ElevenLabsInbound): ElevenLabs.InboundSipTrunkConfigRequestModel {
  if (o.username === undefined && o.password !== undefined) {
    // Refused here rather than the password silently dropped: ElevenLabs' credentials need a username [C].
    throw localError('elevenlabs', operation, new Error('an inbound password needs a username'), 'validation');
  }
  return {
    mediaEncryption: MEDIA[o.mediaEncryption],
    ...(o.username !== undefined ? { credentials: { username: o.username, ...(o.password !== undefined ? { password: o.password } : {}) } } : {}),
  };
}

function toPlatformError(operation: string, err: unknown): PlatformError {
  if (err instanceof ElevenLabsError) {
    // No status: the request timed out (ElevenLabsTimeoutError) or fetch failed (refused, reset, DNS): transient.
    if (err.statusCode === undefined) return platformError('elevenlabs', operation, { description: withCause(err) });
    const { code, message } = readDetail(err.body);
    return platformError('elevenlabs', operation, { httpStatus: err.statusCode, ...(code ? { code } : {}), description: message ?? err.message });
  }
  // The SDK's own checks (a body missing a required field, an answer not of the documented shape): not worth a retry.
  return localError('elevenlabs', operation, err);
}

/** `{detail: {status, message}}` (ElevenLabs' refusals), `{detail: [{loc, msg}]}` (FastAPI's 422) or `{detail: "…"}`. */
function readDetail(body: unknown): { code?: string; message?: string } {
  const detail: unknown = typeof body === 'object' && body !== null && 'detail' in body ? body.detail : undefined;
  if (typeof detail === 'string') return { message: detail };
  if (Array.isArray(detail)) {
    const parts = detail.map((d: unknown) => {
      if (typeof d !== 'object' || d === null) return String(d);
      const loc = 'loc' in d && Array.isArray(d.loc) ? d.loc.join('.') : '';
      const msg = 'msg' in d && typeof d.msg === 'string' ? d.msg : JSON.stringify(d);
      return loc ? `${loc}: ${msg}` : msg;
    });
    return { message: parts.join('; ') };
  }
  if (typeof detail === 'object' && detail !== null) {
    const code = 'status' in detail && typeof detail.status === 'string' ? detail.status : undefined;
    const message = 'message' in detail && typeof detail.message === 'string' ? detail.message : undefined;
    return { ...(code ? { code } : {}), ...(message ? { message } : {}) };
  }
  return {};
}

const MEDIA_BACK: Record<string, MediaEncryption> = { disabled: 'disable', allowed: 'allow', required: 'require' };
/** An unknown value reads as `disable`, as LiveKit's client reads one: the cautious answer for a cross-check. */
const mediaOf = (m: string): MediaEncryption => MEDIA_BACK[m] ?? 'disable';

function numberView(n: ElevenLabs.conversationalAi.PhoneNumbersGetResponse): ElevenLabsNumberView {
  const view: ElevenLabsNumberView = {
    phoneNumberId: n.phoneNumberId,
    phoneNumber: n.phoneNumber,
    label: n.label,
    provider: n.provider,
    agentId: n.assignedAgent?.agentId ?? null,
    inbound: null,
    outbound: null,
  };
  if (n.provider !== 'sip_trunk') return view;
  const { inboundTrunk: i, outboundTrunk: out } = n;
  if (i) {
    view.inbound = {
      mediaEncryption: mediaOf(i.mediaEncryption),
      username: i.username ?? null,
      hasCredentials: i.hasAuthCredentials,
      allowedAddresses: [...i.allowedAddresses],
      allowedNumbers: [...(i.allowedNumbers ?? [])],
    };
  }
  if (out) {
    view.outbound = {
      address: out.address,
      transport: out.transport,
      mediaEncryption: mediaOf(out.mediaEncryption),
      username: out.username ?? null,
      hasCredentials: out.hasAuthCredentials,
      enabledCodecs: [...(out.enabledCodecs ?? [])],
    };
  }
  return view;
}
