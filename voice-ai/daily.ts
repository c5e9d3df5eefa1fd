// Daily's SIP trunks (the inbound trunks Pipecat bots answer on) through Daily's REST API, which has no Node server
// SDK: https://api.daily.co/v1 with `Authorization: Bearer <key>`, through RestPlatform (rest.ts). Each method is
// one request (findTrunk one per page), each failure a PlatformError read from Daily's {error, info} envelope [C].
//
// Field names from Daily's OpenAPI spec as the generated daily-ruby client carries it (CreateSipTrunkRequest,
// UpdateSipTrunkRequest, ListSipTrunks200Response) [C]. A trunk answers {id, trunk_name, sip_uri, enabled, config},
// and `config` is an undocumented map [C]: the view reads allowed_ips / is_open / credential from
// config.trunk_config and webhook_url from config.notification, or from the top level where Daily might put them
// instead [I: both readings are taken]. The hmac Daily answers at create is never kept: the view has no place for it.
//
// What the stand-in (simulator/voice-ai/daily.ts; test/voice-ai/daily.test.ts) decides and Daily does not document:
// a trunk name taken answers 400 "… already exists" (kind duplicate, via platformError), a missing trunk 404.
// Daily refuses the create with 400 (kind validation) when the webhook does not answer its sip_trunk.test with 2xx [C].
import type { PlatformError } from './errors';
import { firstString, RestPlatform } from './rest';
import { deletedUnlessGone, localError, nullWhenNotFound } from './sdk-errors';

export const DAILY_API = 'https://api.daily.co/v1';

/** A Daily account as the client needs it (voice-ai/accounts.ts's DailyAccountSettings fits). */
export interface DailyClientAccount {
  name: string;
  provider: 'pipecat-daily';
  apiKey: string;
  /** Default DAILY_API. */
  baseUrl?: string;
}

/** What Daily holds of a SIP trunk, as read back: never its hmac or a credential's password. */
export interface DailyTrunkView {
  id: string;
  trunkName: string;
  /** `sip:<domain>-<trunk_name>.siptrunk.sip-us.daily.co` [C]. */
  sipUri: string;
  /** The host part of sipUri: where Exotel sends the calls. */
  sipHost: string;
  enabled: boolean;
  allowedIps: string[];
  isOpen: boolean;
  hasCredential: boolean;
  webhookUrl: string | null;
}

export interface DailyTrunkCreate {
  /** Daily takes 3-63 lower-case letters and digits, no hyphens [C] (domain/platform-side.ts dailyTrunkNameOf). */
  trunkName: string;
  /** Must answer Daily's signed sip_trunk.test with 2xx while the create runs [C]. */
  webhookUrl: string;
  /** Admission [C]: allowed IPs (IPv4 or CIDR, at most 25) or isOpen, not both. */
  allowedIps?: string[];
  isOpen?: boolean;
  /** Room properties for the room each call creates; required by Daily [C], `{}` when not given. */
  roomTemplate?: Record<string, unknown>;
  description?: string;
}

export interface DailyTrunkUpdate {
  /** Replaces the list [I]. To open a gated trunk, give `allowedIps: []` with `isOpen: true` (gated XOR open [C]). */
  allowedIps?: string[];
  isOpen?: boolean;
  enabled?: boolean;
  /** Daily tests the new URL before it answers, as at create [C]. */
  webhookUrl?: string;
}

/** The trunk as Daily answers it (ListSipTrunks200ResponseDataInner) [C], with the readings the view tolerates [I]. */
interface TrunkAnswer {
  id?: unknown;
  trunk_name?: unknown;
  sip_uri?: unknown;
  enabled?: unknown;
  config?: unknown;
  trunk_config?: unknown;
  notification?: unknown;
}

interface ListAnswer {
  total_count?: unknown;
  data?: unknown;
}

/** The list's largest page [C: limit 1-100]. */
const PAGE_LIMIT = 100;
/** A list longer than this many pages is not paging forward: give up rather than loop. */
const MAX_PAGES = 50;

const PROVIDER = 'pipecat-daily';

/** Daily's envelope [C]: `error` the stable type (e.g. invalid-request-error), `info` the words. */
const readDailyError = (body: unknown) => {
  const code = firstString(body, 'error');
  const description = firstString(body, 'info') ?? code;
  return { ...(code ? { code } : {}), ...(description ? { description } : {}) };
};

export class DailySipTrunks {
  private readonly rest: RestPlatform;

  constructor(account: DailyClientAccount) {
    if (account.provider !== PROVIDER) throw new Error(`DailySipTrunks needs a pipecat-daily account, not ${String(account.provider)} account ${account.name}`);
    this.rest = new RestPlatform(PROVIDER, { apiKey: account.apiKey, baseUrl: account.baseUrl ?? DAILY_API }, readDailyError);
  }

  async createTrunk(o: DailyTrunkCreate): Promise<DailyTrunkView> {
    const operation = 'POST /sip-trunk';
    const trunkConfig = {
      ...(o.allowedIps !== undefined ? { allowed_ips: o.allowedIps } : {}),
      ...(o.isOpen !== undefined ? { is_open: o.isOpen } : {}),
    };
    const made = await this.rest.send<TrunkAnswer>(operation, {
      method: 'POST',
      path: '/sip-trunk',
      body: {
        trunk_name: o.trunkName,
        room_template: o.roomTemplate ?? {},
        notification: { webhook_url: o.webhookUrl },
        ...(Object.keys(trunkConfig).length > 0 ? { trunk_config: trunkConfig } : {}),
        ...(o.description !== undefined ? { description: o.description } : {}),
      },
    });
    return trunkView(operation, made);
  }

  /** The trunk of exactly this name, or null (Daily's trunk_name filter is a substring match [C]). */
  async findTrunk(trunkName: string): Promise<DailyTrunkView | null> {
    const operation = 'GET /sip-trunk';
    let startingAfter: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await this.rest.send<ListAnswer>(operation, {
        method: 'GET',
        path: '/sip-trunk',
        query: { trunk_name: trunkName, limit: PAGE_LIMIT, starting_after: startingAfter },
      });
      const data: unknown[] = Array.isArray(answer.data) ? answer.data : [];
      const found = data.find((t) => isRecord(t) && t.trunk_name === trunkName);
      if (found) return trunkView(operation, found);
      const last = data[data.length - 1];
      const lastId = isRecord(last) && typeof last.id === 'string' ? last.id : undefined;
      // A short page is the last one; so is one that does not move the cursor on.
      if (data.length < PAGE_LIMIT || lastId === undefined || lastId === startingAfter) return null;
      startingAfter = lastId;
    }
    throw localError(PROVIDER, operation, new Error(`more than ${MAX_PAGES} pages of trunks matching ${trunkName}: not paging further`), 'transient');
  }

  /** null when Daily has no such trunk. */
  async getTrunk(id: string): Promise<DailyTrunkView | null> {
    const operation = 'GET /sip-trunk/{id}';
    const found = await nullWhenNotFound(this.rest.send<TrunkAnswer>(operation, { method: 'GET', path: `/sip-trunk/${encodeURIComponent(id)}` }));
    return found ? trunkView(operation, found) : null;
  }

  /** Only what is given changes (a partial overlay [C]); a missing trunk is a PlatformError of kind not-found. */
  async updateTrunk(id: string, o: DailyTrunkUpdate): Promise<DailyTrunkView> {
    const operation = 'PUT /sip-trunk/{id}';
    const trunkConfig = {
      ...(o.allowedIps !== undefined ? { allowed_ips: o.allowedIps } : {}),
      ...(o.isOpen !== undefined ? { is_open: o.isOpen } : {}),
    };
    const updated = await this.rest.send<TrunkAnswer>(operation, {
      method: 'PUT',
      path: `/sip-trunk/${encodeURIComponent(id)}`,
      body: {
        ...(Object.keys(trunkConfig).length > 0 ? { trunk_config: trunkConfig } : {}),
        ...(o.enabled !== undefined ? { enabled: o.enabled } : {}),
        ...(o.webhookUrl !== undefined ? { notification: { webhook_url: o.webhookUrl } } : {}),
      },
    });
    return trunkView(operation, updated);
  }

  /** False when it was already gone (a 404). */
  async deleteTrunk(id: string): Promise<boolean> {
    return deletedUnlessGone(this.rest.send('DELETE /sip-trunk/{id}', { method: 'DELETE', path: `/sip-trunk/${encodeURIComponent(id)}` }));
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const recordOf = (value: unknown): Record<string, unknown> => (isRecord(value) ? value : {});

/** `sip:<user>@<host>:<port>;<params>` → `<host>`. */
export function sipHostOf(sipUri: string): string {
  const rest = sipUri.replace(/^sips?:/i, '');
  const afterUser = rest.slice(rest.lastIndexOf('@') + 1);
  const host = afterUser.split(/[;?]/)[0] ?? '';
  return (host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0] ?? '').toLowerCase();
}

function trunkView(operation: string, t: TrunkAnswer): DailyTrunkView {
  const { id, trunk_name: trunkName, sip_uri: sipUri } = t;
  if (typeof id !== 'string' || typeof trunkName !== 'string' || typeof sipUri !== 'string') {
    throw unexpectedAnswer(operation, 'a trunk without id, trunk_name or sip_uri');
  }
  const config = recordOf(t.config);
  const admission = recordOf(config.trunk_config ?? t.trunk_config);
  const notification = recordOf(config.notification ?? t.notification);
  const allowed = admission.allowed_ips;
  return {
    id,
    trunkName,
    sipUri,
    sipHost: sipHostOf(sipUri),
    // Daily's default is on [I]: only an explicit false is off.
    enabled: t.enabled !== false,
    allowedIps: Array.isArray(allowed) ? allowed.filter((ip): ip is string => typeof ip === 'string') : [],
    isOpen: admission.is_open === true,
    hasCredential: isRecord(admission.credential),
    webhookUrl: typeof notification.webhook_url === 'string' ? notification.webhook_url : null,
  };
}

const unexpectedAnswer = (operation: string, what: string): PlatformError => localError(PROVIDER, operation, new Error(`Daily answered ${what}`));

