// Bolna's SIP trunks, the new `/trunk/...` API (bolna.ai/docs api-reference/trunks [C]), over the shared REST client
// (rest.ts): a trunk towards Exotel with its gateway (outbound), carrier IPs (inbound) and numbers; each method one
// request (findTrunk one per page, and one read of the trunk found when the list holds summaries), each failure a
// PlatformError. Bolna has no SDK. Behaviour of the stand-in (simulator/voice-ai/bolna.ts; test/voice-ai/bolna.test.ts),
// not of Bolna itself: a duplicate number or carrier IP is a 409, a missing trunk or sub-resource a 404, a bad body a
// 422.
//
// Where the docs read leave a shape open, the reader takes both readings [I]:
// - errors: `{detail: "…"}`, FastAPI's `{detail: [{loc, msg, type}]}`, or Bolna's older `{error, message}` [C for
//   the older endpoints and, per Bolna's MCP server, `{detail}` for auth];
// - the list: a bare array (as the legacy list answers) or Bolna's paging envelope `{data, has_more, page_number}`
//   (its other lists), followed page by page; an item without sub-resource arrays is read again in full;
// - adding a gateway, carrier IP or number: the added object, or the whole trunk holding it.
import { RestPlatform, firstString, type ErrorEnvelopeReader } from './rest';
import { deletedUnlessGone, nullWhenNotFound } from './sdk-errors';

const DEFAULT_BASE_URL = 'https://api.bolna.ai';

/** Exotel prefers A-law (G.711 PCMA), so it goes first; Bolna takes PCMU and PCMA only [C]. */
const CODECS = 'PCMA,PCMU';

/** Pages a findTrunk follows at most: a guard against a list that never says it has no more. */
const MAX_PAGES = 100;

export interface BolnaAccountSettings {
  name: string;
  provider: 'bolna';
  apiKey: string;
  /** Default `https://api.bolna.ai`. */
  baseUrl?: string;
}

export interface BolnaGateway {
  id: string;
  host: string;
  port: number;
  priority: number;
}

export interface BolnaIpAcl {
  id: string;
  /** As Bolna stores it: a bare address comes back as `/32` [C]. */
  cidr: string;
}

export interface BolnaTrunkNumber {
  id: string;
  e164: string;
  destinationKey: string;
  agentId: string | null;
}

/** What Bolna holds of a trunk, as read back: never a password (Bolna never returns it [C]). */
export interface BolnaTrunkView {
  id: string;
  name: string;
  inboundEnabled: boolean;
  outboundEnabled: boolean;
  /** Lower case, `udp` or `tcp`. */
  transport: string;
  authUsername: string | null;
  defaultInboundAgentId: string | null;
  /** By ascending priority, the order Bolna dials them [C]. */
  gateways: BolnaGateway[];
  ipAcls: BolnaIpAcl[];
  numbers: BolnaTrunkNumber[];
}

export interface BolnaTrunkCreate {
  name: string;
  direction: 'outbound' | 'inbound';
  /** Exotel sends no UDP; Bolna's edge takes UDP or TCP only [C]. */
  transport: 'tcp';
  /** The digest credentials Exotel issued, for outbound calls Exotel challenges. */
  authUsername?: string;
  authPassword?: string;
  defaultInboundAgentId?: string;
}

/** What a PATCH may change here. The credentials go together or not at all, as Bolna requires [C]. */
export type BolnaTrunkUpdate = {
  inboundEnabled?: boolean;
  outboundEnabled?: boolean;
  /** null clears it. */
  defaultInboundAgentId?: string | null;
} & ({ authUsername: string; authPassword: string } | { authUsername?: undefined; authPassword?: undefined });

export interface BolnaPop {
  sipDomain: string;
  port: number;
  transports: string[];
  ips: string[];
}

type Json = Record<string, unknown>;

export class BolnaTrunks {
  private readonly rest: RestPlatform;

  constructor(account: BolnaAccountSettings) {
    if (account.provider !== 'bolna') throw new Error(`BolnaTrunks needs a bolna account, not ${String(account.provider)} account ${account.name}`);
    this.rest = new RestPlatform('bolna', { apiKey: account.apiKey, baseUrl: account.baseUrl ?? DEFAULT_BASE_URL }, readBolnaError);
  }

  /** A trunk for one direction, labelled with Bolna's Exotel preset (a label only: Bolna fills nothing from it [C]). */
  async createTrunk(o: BolnaTrunkCreate): Promise<BolnaTrunkView> {
    const outbound = o.direction === 'outbound';
    const made = await this.rest.send<unknown>('POST /trunk/trunks', {
      method: 'POST',
      path: '/trunk/trunks',
      body: {
        name: o.name,
        preset: 'exotel',
        inbound_enabled: !outbound,
        outbound_enabled: outbound,
        transport: o.transport,
        codecs: CODECS,
        // Exotel takes numbers in E.164, with the plus.
        ...(outbound ? { outbound_leading_plus_enabled: true } : {}),
        ...(o.authUsername !== undefined ? { auth_username: o.authUsername } : {}),
        ...(o.authPassword !== undefined ? { auth_password: o.authPassword } : {}),
        ...(o.defaultInboundAgentId !== undefined ? { default_inbound_agent_id: o.defaultInboundAgentId } : {}),
      },
    });
    return trunkView(made);
  }

  /** The first trunk (in Bolna's list order) named exactly `name`, or null. Names are not known to be unique [I]. */
  async findTrunk(name: string): Promise<BolnaTrunkView | null> {
    for (let page = 1; page <= MAX_PAGES; page++) {
      const answer = await this.rest.send<unknown>('GET /trunk/trunks', {
        method: 'GET',
        path: '/trunk/trunks',
        ...(page > 1 ? { query: { page_number: page } } : {}),
      });
      const { items, hasMore } = listPage(answer);
      const found = items.find((t) => t.name === name);
      if (found) return hasSubResources(found) ? trunkView(found) : this.getTrunk(str(found.id));
      if (!hasMore || items.length === 0) return null;
    }
    return null;
  }

  /** null when Bolna has no such trunk. */
  async getTrunk(id: string): Promise<BolnaTrunkView | null> {
    const found = await nullWhenNotFound(this.rest.send<unknown>('GET /trunk/trunks/{trunk_id}', { method: 'GET', path: trunkPath(id) }));
    return found === null ? null : trunkView(found);
  }

  /** Only what is given changes; a missing trunk is a PlatformError of kind not-found. */
  async updateTrunk(id: string, o: BolnaTrunkUpdate): Promise<BolnaTrunkView> {
    const updated = await this.rest.send<unknown>('PATCH /trunk/trunks/{trunk_id}', {
      method: 'PATCH',
      path: trunkPath(id),
      body: {
        ...(o.inboundEnabled !== undefined ? { inbound_enabled: o.inboundEnabled } : {}),
        ...(o.outboundEnabled !== undefined ? { outbound_enabled: o.outboundEnabled } : {}),
        ...(o.outboundEnabled ? { outbound_leading_plus_enabled: true } : {}),
        ...(o.authUsername !== undefined ? { auth_username: o.authUsername, auth_password: o.authPassword } : {}),
        ...(o.defaultInboundAgentId !== undefined ? { default_inbound_agent_id: o.defaultInboundAgentId } : {}),
      },
    });
    return trunkView(updated);
  }

  /** False when it was already gone (a 404). Bolna removes its gateways, carrier IPs and numbers with it [C]. */
  async deleteTrunk(id: string): Promise<boolean> {
    return deletedUnlessGone(this.rest.send('DELETE /trunk/trunks/{trunk_id}', { method: 'DELETE', path: trunkPath(id) }));
  }

  async addGateway(trunkId: string, g: { host: string; port: number; priority: number }): Promise<BolnaGateway> {
    const answer = await this.rest.send<unknown>('POST /trunk/trunks/{trunk_id}/gateways', {
      method: 'POST',
      path: `${trunkPath(trunkId)}/gateways`,
      body: { host: g.host, port: g.port, priority: g.priority },
    });
    const gateway = added(answer, 'gateways', (x) => x.host === g.host && x.port === g.port && x.priority === g.priority);
    return gatewayView(gateway);
  }

  async deleteGateway(trunkId: string, gatewayId: string): Promise<boolean> {
    return deletedUnlessGone(
      this.rest.send('DELETE /trunk/trunks/{trunk_id}/gateways/{gateway_id}', { method: 'DELETE', path: `${trunkPath(trunkId)}/gateways/${encodeURIComponent(gatewayId)}` }),
    );
  }

  /** A bare address or a CIDR range; Bolna stores a bare address as /32 [C]. */
  async addIpAcl(trunkId: string, cidr: string): Promise<BolnaIpAcl> {
    const answer = await this.rest.send<unknown>('POST /trunk/trunks/{trunk_id}/ip-acls', {
      method: 'POST',
      path: `${trunkPath(trunkId)}/ip-acls`,
      body: { cidr },
    });
    const bare = cidr.includes('/') ? cidr : `${cidr}/32`;
    return ipAclView(added(answer, 'ip_acls', (x) => x.cidr === bare || x.cidr === cidr));
  }

  async deleteIpAcl(trunkId: string, aclId: string): Promise<boolean> {
    return deletedUnlessGone(
      this.rest.send('DELETE /trunk/trunks/{trunk_id}/ip-acls/{acl_id}', { method: 'DELETE', path: `${trunkPath(trunkId)}/ip-acls/${encodeURIComponent(aclId)}` }),
    );
  }

  /** `destinationKey`: the called number as Exotel sends it, without the plus [C]. No agent: the trunk's default answers. */
  async addNumber(trunkId: string, n: { e164: string; destinationKey: string; agentId?: string }): Promise<BolnaTrunkNumber> {
    const answer = await this.rest.send<unknown>('POST /trunk/trunks/{trunk_id}/numbers', {
      method: 'POST',
      path: `${trunkPath(trunkId)}/numbers`,
      body: { e164: n.e164, destination_key: n.destinationKey, ...(n.agentId !== undefined ? { agent_id: n.agentId } : {}) },
    });
    return numberView(added(answer, 'numbers', (x) => x.e164 === n.e164));
  }

  async deleteNumber(trunkId: string, numberId: string): Promise<boolean> {
    return deletedUnlessGone(
      this.rest.send('DELETE /trunk/trunks/{trunk_id}/numbers/{number_id}', { method: 'DELETE', path: `${trunkPath(trunkId)}/numbers/${encodeURIComponent(numberId)}` }),
    );
  }

  /** Bolna's SIP edge, the same for every account: read it rather than hard-code it [C]. */
  async pop(): Promise<BolnaPop> {
    const answer = asObject(await this.rest.send<unknown>('GET /trunk/pop', { method: 'GET', path: '/trunk/pop' }));
    return {
      sipDomain: str(answer.sip_domain),
      port: Number(answer.port),
      transports: strings(answer.transports),
      ips: strings(answer.ips),
    };
  }
}

/**
 * What a Bolna error body says: `{detail: "…"}`, `{detail: [{loc, msg, type}]}` (a pydantic 422: locations and
 * messages only, never `input`, which may hold a password), or `{error, message}`.
 */
export const readBolnaError: ErrorEnvelopeReader = (body) => {
  const detail = typeof body === 'object' && body !== null ? (body as Json).detail : undefined;
  if (Array.isArray(detail)) {
    const errors = detail.filter((e): e is Json => typeof e === 'object' && e !== null);
    const description = errors
      .map((e) => {
        const loc = Array.isArray(e.loc) ? e.loc.filter((p) => p !== 'body').join('.') : '';
        const msg = typeof e.msg === 'string' ? e.msg : 'invalid';
        return loc ? `${loc}: ${msg}` : msg;
      })
      .join('; ');
    const type = errors[0]?.type;
    return { ...(typeof type === 'string' ? { code: type } : {}), ...(description ? { description } : {}) };
  }
  const description = firstString(body, 'message', 'detail', 'error');
  return description ? { description } : {};
};

const trunkPath = (id: string): string => `/trunk/trunks/${encodeURIComponent(id)}`;

const asObject = (value: unknown): Json => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Json) : {});
const str = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '');
const strOrNull = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(str) : []);
const objects = (value: unknown): Json[] => (Array.isArray(value) ? value.map(asObject) : []);

const hasSubResources = (t: Json): boolean => Array.isArray(t.gateways) && Array.isArray(t.ip_acls) && Array.isArray(t.numbers);

/** One page of the list: a bare array, or an envelope whose items are under `data` (or `trunks`, `items`). */
function listPage(answer: unknown): { items: Json[]; hasMore: boolean } {
  if (Array.isArray(answer)) return { items: objects(answer), hasMore: false };
  const page = asObject(answer);
  const items = objects(page.data ?? page.trunks ?? page.items);
  return { items, hasMore: page.has_more === true };
}

/** The object an add answered: itself, or (when Bolna answers with the trunk) the last of `key` that matches. */
function added(answer: unknown, key: 'gateways' | 'ip_acls' | 'numbers', matches: (x: Json) => boolean): Json {
  const body = asObject(answer);
  if (!Array.isArray(body[key])) return body;
  const candidates = objects(body[key]).filter(matches);
  return candidates[candidates.length - 1] ?? {};
}

function trunkView(answer: unknown): BolnaTrunkView {
  const t = asObject(answer);
  return {
    id: str(t.id),
    name: str(t.name),
    inboundEnabled: t.inbound_enabled === true,
    outboundEnabled: t.outbound_enabled === true,
    transport: str(t.transport).toLowerCase(),
    authUsername: strOrNull(t.auth_username),
    defaultInboundAgentId: strOrNull(t.default_inbound_agent_id),
    gateways: objects(t.gateways)
      .map(gatewayView)
      .sort((a, b) => a.priority - b.priority),
    ipAcls: objects(t.ip_acls).map(ipAclView),
    numbers: objects(t.numbers).map(numberView),
  };
}

const gatewayView = (g: Json): BolnaGateway => ({ id: str(g.id), host: str(g.host), port: Number(g.port), priority: Number(g.priority) });
const ipAclView = (a: Json): BolnaIpAcl => ({ id: str(a.id), cidr: str(a.cidr) });
const numberView = (n: Json): BolnaTrunkNumber => ({ id: str(n.id), e164: str(n.e164), destinationKey: str(n.destination_key), agentId: strOrNull(n.agent_id) });
