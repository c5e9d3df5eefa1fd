// The voice-AI platform accounts a worker may act for, with their keys. A setup names one by `name` (or takes its
// platform's only one); keys never travel in workflow input, results or logs. One account serves many customers.
import { IssueCollector } from '../domain/issues';
import { ACCOUNT_PROVIDERS, type AccountProvider, type PlatformAccountInfo } from '../domain/platform-side';

export interface LiveKitAccountSettings {
  name: string;
  provider: 'livekit';
  /** The project's URL, e.g. `https://acme.livekit.cloud` (or a self-hosted server's). */
  url: string;
  apiKey: string;
  apiSecret: string;
  /** The host its SIP service answers on (`<project>.sip.livekit.cloud`): inbound destinations are checked against it. */
  sipHost?: string;
}

/** The others: a key, and a base URL only to reach somewhere else than the platform's own API. */
export interface KeyedAccountSettings {
  name: string;
  provider: 'retell' | 'elevenlabs' | 'bolna' | 'smallest-atoms';
  apiKey: string;
  /** Default the platform's public API; ElevenLabs' India residency is `https://api.in.residency.elevenlabs.io`. */
  baseUrl?: string;
}

/** Daily: a key, and the account's domain, which its SIP trunks' hosts begin with. */
export interface DailyAccountSettings {
  name: string;
  provider: 'pipecat-daily';
  apiKey: string;
  /** e.g. `examplecorp` for `examplecorp.daily.co`. */
  domain: string;
  baseUrl?: string;
}

export type PlatformAccountSettings = LiveKitAccountSettings | KeyedAccountSettings | DailyAccountSettings;

export class UnknownPlatformAccountError extends Error {
  override readonly name = 'UnknownPlatformAccountError';
}

export class PlatformAccounts {
  constructor(private readonly accounts: PlatformAccountSettings[] = []) {
    const c = new IssueCollector();
    checkPlatformAccounts(c, accounts);
    c.throwIfAny();
  }

  get providers(): AccountProvider[] {
    return [...new Set(this.accounts.map((a) => a.provider))];
  }

  /** The account named, or the platform's only one; a clear error otherwise. */
  settings<P extends AccountProvider>(provider: P, name?: string): Extract<PlatformAccountSettings, { provider: P }> {
    const mine = this.accounts.filter((a): a is Extract<PlatformAccountSettings, { provider: P }> => a.provider === provider);
    const found = name === undefined ? (mine.length === 1 ? mine[0] : undefined) : mine.find((a) => a.name === name);
    if (found) return found;
    const configured = mine.map((a) => a.name).join(', ') || 'none';
    throw new UnknownPlatformAccountError(
      name === undefined
        ? `${mine.length === 0 ? 'no' : 'more than one'} ${provider} account is configured on this worker (configured: ${configured}): ${mine.length === 0 ? 'configure one, or ask for providerSide manual' : 'name one in platformAccount'}`
        : `${provider} account ${name} is not configured on this worker (configured: ${configured})`,
    );
  }

  /** What a workflow may know of an account, or null when none would serve. */
  find(provider: AccountProvider, name?: string): PlatformAccountInfo | null {
    try {
      const found = this.settings(provider, name);
      return {
        name: found.name,
        provider,
        ...('sipHost' in found && found.sipHost ? { sipHost: found.sipHost } : {}),
        ...('domain' in found ? { domain: found.domain } : {}),
      };
    } catch (err) {
      if (err instanceof UnknownPlatformAccountError) return null;
      throw err;
    }
  }
}

/** Every problem of a list of platform accounts at once; keys are never shown. */
export function checkPlatformAccounts(c: IssueCollector, accounts: unknown[]): void {
  const seen = new Map<string, number>();
  accounts.forEach((entry, i) => {
    const where = `platformAccounts[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      c.add(where, entry === null ? 'null' : Array.isArray(entry) ? 'array' : typeof entry, 'must be an object { name, provider, … }');
      return;
    }
    const a = entry as Record<string, unknown>;
    c.check(`${where}.name`, a.name, (v) => (/^[A-Za-z0-9_.-]{1,64}$/.test(v) ? null : 'must be 1-64 of letters, digits, . _ -'));
    if (!(ACCOUNT_PROVIDERS as readonly unknown[]).includes(a.provider)) {
      c.add(`${where}.provider`, a.provider, `must be one of ${ACCOUNT_PROVIDERS.join(', ')} (the platforms with an API client here)`);
      return;
    }
    c.check(`${where}.apiKey`, a.apiKey, (v) => (v.trim() ? null : 'must not be empty'));
    if (a.provider === 'livekit') {
      c.check(`${where}.url`, a.url, (v) => (/^(https?|wss?):\/\/[^\s/]+/.test(v) ? null : 'must be the project URL, http(s):// or ws(s)://'));
      c.check(`${where}.apiSecret`, a.apiSecret, (v) => (v.trim() ? null : 'must not be empty'));
      if (a.sipHost !== undefined) c.check(`${where}.sipHost`, a.sipHost, (v) => (/^[A-Za-z0-9.-]{1,253}$/.test(v) ? null : 'must be a host name, without port or scheme'));
    } else {
      if (a.baseUrl !== undefined) c.check(`${where}.baseUrl`, a.baseUrl, (v) => (/^https?:\/\/[^\s/@]+(\/|$)/.test(v) ? null : 'must be an http(s):// URL without credentials'));
      if (a.provider === 'pipecat-daily') c.check(`${where}.domain`, a.domain, (v) => (/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(v) ? null : 'must be the Daily domain (examplecorp for examplecorp.daily.co): lower-case letters, digits, inner hyphens'));
    }
    const key = `${String(a.provider)}/${String(a.name)}`;
    const first = seen.get(key);
    if (first !== undefined) c.add(`${where}.name`, a.name, `appears twice for ${String(a.provider)} (also platformAccounts[${first}])`);
    else seen.set(key, i);
  });
}
