// The Exotel accounts a worker may act for, with their secrets; setups name an account by sid only.
import type { SipEdge } from '../domain/setup-result';
import { IssueCollector } from '../domain/issues';
import { checkAccountConfig, ExotelClient, type ExotelAccountConfig, type ExotelClientOptions } from './client';

export interface ExotelAccountSettings extends ExotelAccountConfig {
  /** Where voice-AI platforms send SIP for this account; Exotel hands it out at onboarding. */
  sipEdge?: SipEdge | null;
  /**
   * The account's trunk-API budget: at most `requests` in any `perSeconds` (default 200 in 60, Exotel's documented
   * ceiling). All workers together keep to it.
   */
  requestBudget?: RequestBudget;
}

export interface RequestBudget {
  requests: number;
  perSeconds: number;
}

export const EXOTEL_REQUEST_BUDGET: RequestBudget = { requests: 200, perSeconds: 60 };

/** Exotel's published digest-auth edge for India. Singapore has no documented edge, so it has no default. */
export const INDIA_DIGEST_EDGE: SipEdge = { host: 'in.voip.exotel.com', port: 443, transport: 'tls' };

export class UnknownAccountError extends Error {
  override readonly name = 'UnknownAccountError';
}

export class ExotelAccounts {
  private readonly settingsBySid = new Map<string, ExotelAccountSettings>();
  private readonly clients = new Map<string, ExotelClient>();

  constructor(accounts: ExotelAccountSettings[], private readonly clientOptions: ExotelClientOptions = {}) {
    validateAccountSettings(accounts);
    for (const account of accounts) this.settingsBySid.set(account.accountSid, account);
  }

  get sids(): string[] {
    return [...this.settingsBySid.keys()];
  }

  settings(accountSid: string): ExotelAccountSettings {
    const settings = this.settingsBySid.get(accountSid);
    if (!settings) {
      throw new UnknownAccountError(
        `Exotel account ${accountSid} is not configured on this worker (configured: ${this.sids.join(', ') || 'none'})`,
      );
    }
    return settings;
  }

  client(accountSid: string): ExotelClient {
    let client = this.clients.get(accountSid);
    if (!client) {
      client = new ExotelClient(this.settings(accountSid), this.clientOptions);
      this.clients.set(accountSid, client);
    }
    return client;
  }

  sipEdge(accountSid: string): SipEdge | null {
    const settings = this.settings(accountSid);
    if (settings.sipEdge !== undefined) return settings.sipEdge;
    return settings.subdomain === 'api.in.exotel.com' ? INDIA_DIGEST_EDGE : null;
  }
}

/** Every problem of a worker's account list at once; tokens are never shown. */
export function validateAccountSettings(accounts: unknown[]): asserts accounts is ExotelAccountSettings[] {
  const c = new IssueCollector();
  checkAccountSettings(c, accounts);
  c.throwIfAny();
}

export function checkAccountSettings(c: IssueCollector, accounts: unknown[]): void {
  const seen = new Map<unknown, number>();
  accounts.forEach((entry, i) => {
    const where = `accounts[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      c.add(where, entry === null ? 'null' : Array.isArray(entry) ? 'array' : typeof entry, 'must be an object { accountSid, apiKey, apiToken, subdomain, … }');
      return;
    }
    const account = entry as ExotelAccountSettings;
    checkAccountConfig(c, account, where);
    if (account.sipEdge) checkSipEdge(c, account.sipEdge, `${where}.sipEdge`);
    const budget = account.requestBudget;
    if (budget !== undefined) {
      if (!(Number.isInteger(budget.requests) && budget.requests > 0)) c.add(`${where}.requestBudget.requests`, budget.requests, 'must be a whole number above 0');
      if (!(typeof budget.perSeconds === 'number' && budget.perSeconds > 0)) c.add(`${where}.requestBudget.perSeconds`, budget.perSeconds, 'must be a number of seconds above 0');
    }
    const first = seen.get(account.accountSid);
    // Two entries for one account would mean two rate limits for one budget, and one of them wrong.
    if (first !== undefined) c.add(`${where}.accountSid`, account.accountSid, `appears twice (also accounts[${first}]): configure each account once`);
    else seen.set(account.accountSid, i);
  });
}

function checkSipEdge(c: IssueCollector, edge: SipEdge, where: string): void {
  c.check(`${where}.host`, edge.host, (v) => (/^[A-Za-z0-9.-]{1,253}$/.test(v) ? null : 'must be a host name or IPv4 address'));
  if (!Number.isInteger(edge.port) || edge.port < 1 || edge.port > 65535) c.add(`${where}.port`, edge.port, 'must be 1-65535');
  if (edge.transport !== 'tls' && edge.transport !== 'tcp') c.add(`${where}.transport`, edge.transport, 'must be tls or tcp (no UDP)');
}
