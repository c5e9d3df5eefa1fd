// Retell's custom-telephony numbers through its official SDK (retell-sdk 5.66.1): a number imported with the Exotel
// edge as its termination URI and Exotel's digest credentials, bound to agents; each method one request, each
// failure a PlatformError. Retell keys numbers by the number itself, so a retried import finds an earlier one with
// getNumber. Field names from node_modules/retell-sdk/resources/phone-number.d.ts [C]: the import spells the
// credentials `sip_trunk_auth_username`/`_password`, the update `auth_username`/`auth_password`. Behaviour of the
// stand-in (simulator/voice-ai/retell.ts; test/voice-ai/retell.test.ts), not of Retell itself: a duplicate import is
// a 409, deleting a missing number a 404.
import Retell, { APIConnectionError, APIError } from 'retell-sdk';
import type { KeyedAccountSettings } from './accounts';
import type { PlatformError } from './errors';
import { deletedUnlessGone, localError, nullWhenNotFound, platformError, withCause } from './sdk-errors';

/** Milliseconds: like the other platform clients' 15 s, well inside an activity attempt. */
const REQUEST_TIMEOUT_MS = 15_000;

/** Retell spells transports in capitals; "Default is TCP" [C], so it is always sent. */
const TRANSPORT: Record<'tls' | 'tcp', string> = { tls: 'TLS', tcp: 'TCP' };

/**
 * The termination URI for Exotel's edge, as the retell profile's sheet has a person enter it (`{{edge}}`):
 * `host:port`, no `sip:` scheme and no `;transport=` (the transport is its own field). The port stays because
 * Exotel's edges serve no SIP default port (TCP 5070, TLS 443); Retell's examples are bare hosts, so whether it takes
 * `:port` is unverified [I] (domain/providers/profiles/retell.ts).
 */
export const terminationUriFor = (edge: { host: string; port: number }): string => `${edge.host}:${edge.port}`;

/** What Retell holds of a number, as read back: never the password (Retell does not return it either). */
export interface RetellNumberView {
  phoneNumber: string;
  terminationUri: string | null;
  authUsername: string | null;
  /** Lower case (`tcp`, `tls`, `udp`); `tcp` when Retell reports none, its default [C]. */
  transport: string;
  inboundAgentIds: string[];
  outboundAgentIds: string[];
  nickname: string | null;
}

export interface RetellImport {
  /** E.164, the number's key on Retell. */
  phoneNumber: string;
  /** Exotel's edge: see terminationUriFor. */
  terminationUri: string;
  /** Exotel's edge transport. */
  transport: 'tls' | 'tcp';
  authUsername?: string;
  authPassword?: string;
  inboundAgentId?: string;
  outboundAgentId?: string;
  nickname: string;
}

export interface RetellUpdate {
  terminationUri?: string;
  transport?: 'tls' | 'tcp';
  authUsername?: string;
  authPassword?: string;
  /** null unbinds the agents of that direction. */
  inboundAgentId?: string | null;
  outboundAgentId?: string | null;
}

export class RetellPhoneNumbers {
  private readonly retell: Retell;

  constructor(account: KeyedAccountSettings) {
    if (account.provider !== 'retell') throw new Error(`RetellPhoneNumbers needs a retell account, not ${account.provider} account ${account.name}`);
    // No SDK retries (it would retry 409s and 5xx twice): Temporal's activity retries are the only ones.
    this.retell = new Retell({ apiKey: account.apiKey, baseURL: account.baseUrl, maxRetries: 0, timeout: REQUEST_TIMEOUT_MS });
  }

  async importNumber(o: RetellImport): Promise<RetellNumberView> {
    const made = await this.call('POST /import-phone-number', () =>
      this.retell.phoneNumber.import({
        phone_number: o.phoneNumber,
        termination_uri: o.terminationUri,
        transport: TRANSPORT[o.transport],
        ...(o.authUsername !== undefined ? { sip_trunk_auth_username: o.authUsername } : {}),
        ...(o.authPassword !== undefined ? { sip_trunk_auth_password: o.authPassword } : {}),
        ...(o.inboundAgentId !== undefined ? { inbound_agents: onlyAgent(o.inboundAgentId) } : {}),
        ...(o.outboundAgentId !== undefined ? { outbound_agents: onlyAgent(o.outboundAgentId) } : {}),
        nickname: o.nickname,
      }),
    );
    return numberView(made);
  }

  /** null when Retell has no such number. */
  async getNumber(phoneNumber: string): Promise<RetellNumberView | null> {
    const found = await nullWhenNotFound(this.call('GET /get-phone-number/{phone_number}', () => this.retell.phoneNumber.retrieve(phoneNumber)));
    return found ? numberView(found) : null;
  }

  /** Only what is given changes; a missing number is a PlatformError of kind not-found. */
  async updateNumber(phoneNumber: string, o: RetellUpdate): Promise<RetellNumberView> {
    const updated = await this.call('PATCH /update-phone-number/{phone_number}', () =>
      this.retell.phoneNumber.update(phoneNumber, {
        ...(o.terminationUri !== undefined ? { termination_uri: o.terminationUri } : {}),
        ...(o.transport !== undefined ? { transport: TRANSPORT[o.transport] } : {}),
        ...(o.authUsername !== undefined ? { auth_username: o.authUsername } : {}),
        ...(o.authPassword !== undefined ? { auth_password: o.authPassword } : {}),
        ...(o.inboundAgentId !== undefined ? { inbound_agents: o.inboundAgentId === null ? null : onlyAgent(o.inboundAgentId) } : {}),
        ...(o.outboundAgentId !== undefined ? { outbound_agents: o.outboundAgentId === null ? null : onlyAgent(o.outboundAgentId) } : {}),
      }),
    );
    return numberView(updated);
  }

  /** False when it was already gone (a 404). */
  async deleteNumber(phoneNumber: string): Promise<boolean> {
    return deletedUnlessGone(this.call('DELETE /delete-phone-number/{phone_number}', () => this.retell.phoneNumber.delete(phoneNumber)));
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw toPlatformError(operation, err);
    }
  }
}

/** One agent takes all calls of a direction: the weights of a list must add up to 1 [C]. */
const onlyAgent = (agentId: string) => [{ agent_id: agentId, weight: 1 }];

function toPlatformError(operation: string, err: unknown): PlatformError {
  // Connection errors (refused, reset, DNS) and timeouts are APIErrors without a status: transient.
  if (err instanceof APIConnectionError) return platformError('retell', operation, { description: withCause(err) });
  if (err instanceof APIError) {
    // Retell's envelope is { status: "error", message } [I]; the SDK's own message is "<status> <message>".
    const body: unknown = err.error;
    const { status } = err as APIError; // `instanceof` leaves APIError's type parameters at any
    const message = typeof body === 'object' && body !== null && 'message' in body && typeof body.message === 'string' ? body.message : err.message;
    return platformError('retell', operation, { ...(status !== undefined ? { httpStatus: status } : {}), description: message });
  }
  return localError('retell', operation, err);
}

function numberView(n: Retell.PhoneNumberResponse): RetellNumberView {
  const trunk = n.sip_outbound_trunk_config;
  return {
    phoneNumber: n.phone_number,
    terminationUri: trunk?.termination_uri ?? null,
    authUsername: trunk?.auth_username ?? null,
    transport: (trunk?.transport ?? 'TCP').toLowerCase(),
    inboundAgentIds: (n.inbound_agents ?? []).map((a) => a.agent_id),
    outboundAgentIds: (n.outbound_agents ?? []).map((a) => a.agent_id),
    nickname: n.nickname ?? null,
  };
}
