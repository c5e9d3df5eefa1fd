// A stand-in for Smallest AI Atoms' phone-number API (imported "bring your own SIP" numbers), as voice-ai/smallest.ts
// calls it over REST (Atoms has no Node server SDK for it). The API lives under /atoms/v1, so `url` is that base.
//
// Sources: the Atoms OpenAPI spec in github.com/smallest-inc/smallest-ai-documentation
// (fern/apis/atoms/openapi/openapi.yaml, later split into phone-numbers.yaml and components.yaml), the changelog entry
// 2026-07-07-sip-termination-url-normalization.mdx, and the smallestai Python SDK's reference (atoms.phone_numbers:
// list, list_all_phone_numbers_platform_sip, search_rentable, rent, release, import_sip, no delete or update).
//
// Tags: [C] the spec says so; [I] inferred:
// - POST /product/import-phone-number: `phoneNumber` and `sipTerminationUrl` required; `name`, `sipUsername`,
//   `sipPassword`, `cpsLimit` (1–50, default 1; "CPS limit cannot exceed 50" / "CPS limit must be at least 1") [C].
//   A name is auto-generated from the number and the user id when omitted [C]; its form is [I].
// - `phoneNumber`: "E.164 format is recommended but not enforced server-side — any non-empty string is accepted" [C]:
//   an empty one is refused here, a non-E.164 one is not.
// - `sipTerminationUrl` is a host or IP with an optional port; a `sip:`/`sips:` URI is normalized to it, "the
//   scheme, URI parameters (such as `;transport=udp`), and any user info are stripped"; a value that cannot be
//   normalized to a host (a website URL) is refused with a 400 [C]. The refusal's text is [I]. So a `;transport=` in
//   the URI never reaches the trunk: Atoms documents no transport field at all.
// - Answer 200 `{status: true, data: {_id, productType: "custom", isActive, attributes: {name, phoneNumber,
//   outboundSipTrunkId, inboundSipTrunkId}, agentId: null, createdAt, updatedAt}}` [C]; ids: `_id` 24 hex (a MongoDB
//   ObjectId [C]), trunk ids `ST_` and 12 letters and digits (LiveKit's form, the docs show `ST_xxxxxxxxxxxx`) [I].
// - A number imported twice: 400 with the exact error "Number already present" [C], keyed by the string as sent [I].
// - Errors `{status: false, errors: [string]}` for 400, 401 ("Unauthorized: User not found") and 500 [C]; the texts
//   of body-check errors except "Phone number is required" are [I]. The only documented 429 (another route) is
//   `{message: "Rate limit exceeded", rateLimit: {…}}` [C there, I here]. Unknown routes 404 in the same envelope
//   [I: Express would answer HTML].
// - Unknown fields are refused [I]: the real API may ignore them; refusing catches a misspelled field.
// - GET /product/phone-numbers lists platform-rented (Twilio/Plivo) numbers only: imported SIP numbers are "not
//   included" [C]. The stand-in rents none, so it answers an empty list.
// - GET /product/all-numbers answers `{telephonyProducts, customProducts}`, the imported numbers in customProducts
//   [C]. Its Product schema says `productType: "custom-telephony"` where the import answers "custom" [C, both]: each
//   endpoint answers its own spelling here. Product's `attributes` lists only provider and phoneNumber; that a
//   custom product also carries the import's name and trunk ids is [I].
// - There is no documented update or delete of an imported number [C: none in the spec or SDK]; POST
//   /product/release-number is documented for rented numbers only, so it is not modelled. Nothing here offers them.
// - Passwords are never stored: only whether one is set ("" counts as none [I]; the docs' example sends "").

import type { IncomingHttpHeaders } from 'node:http';
import type { SeededRandom } from '../random';
import {
  PlatformRefusal,
  conform,
  describeShape,
  number,
  object,
  optional,
  required,
  startStandIn,
  string,
  type Issue,
  type Platform,
  type Reply,
  type Route,
  type RunningStandIn,
  SeededAgents,
  type StandInOptions,
  type StandInState,
} from './stand-in';

/** Where Atoms serves its API: https://api.smallest.ai/atoms/v1 [C]. */
export const ATOMS_BASE_PATH = '/atoms/v1';

/** An imported number as POST /product/import-phone-number answers it (its `data`). */
export interface AtomsProduct {
  _id: string;
  productType: string;
  isActive: boolean;
  attributes: { name: string; phoneNumber: string; outboundSipTrunkId: string; inboundSipTrunkId: string };
  agentId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What the stand-in holds of an imported number: the product, and the trunk settings Atoms keeps but never answers. */
export type AtomsStoredNumber = AtomsProduct & {
  /** As Atoms keeps it: normalized to `host[:port]`. */
  sipTerminationUrl: string;
  sipUsername: string | null;
  sipPasswordSet: boolean;
  cpsLimit: number;
};
export type AtomsState = StandInState<AtomsStoredNumber>;

interface ImportBody {
  phoneNumber: string;
  sipTerminationUrl: string;
  name?: string;
  sipUsername?: string;
  sipPassword?: string;
  cpsLimit?: number;
}

const IMPORT = object({
  phoneNumber: required(string),
  sipTerminationUrl: required(string),
  name: optional(string),
  sipUsername: optional(string),
  sipPassword: optional(string),
  cpsLimit: optional(number),
});

/** The one documented body-check text [C]; the others follow it [I]. */
const MISSING: Record<string, string> = { phoneNumber: 'Phone number is required', sipTerminationUrl: 'SIP termination URL is required' };
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const envelope = (status: number, ...errors: string[]): Reply => ({ status, body: { status: false, errors } });
const refuse = (status: number, ...errors: string[]): PlatformRefusal => new PlatformRefusal(envelope(status, ...errors));

function describeIssue(issue: Issue): string {
  const field = issue.loc.join('.');
  if (issue.kind === 'missing') return MISSING[field] ?? `${field} is required`;
  if (issue.kind === 'unknown') return `Unknown field: ${field}`;
  if (issue.loc.length === 0) return 'Request body must be a JSON object';
  return `${field} must be ${describeShape(issue.expected ?? string)}`;
}

const invalidBody = (issues: Issue[]): Reply => envelope(400, ...issues.map(describeIssue));

const HOST = /^(?:\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)(?::(\d{1,5}))?$/;

/**
 * `host[:port]` from what was sent, as Atoms normalizes it: scheme, user info, URI parameters (and headers) stripped
 * [C]; null when no host remains (a website URL, a path).
 */
export function normalizeSipTerminationUrl(raw: string): string | null {
  let value = raw.trim().replace(/^sips?:/i, '');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return null;
  value = value.split('?')[0]?.split(';')[0] ?? '';
  value = value.slice(value.lastIndexOf('@') + 1);
  const match = HOST.exec(value);
  if (!match) return null;
  const port = match[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return null;
  return value;
}

class AtomsPlatform implements Platform<AtomsStoredNumber> {
  readonly apiKey: string;
  readonly agents: SeededAgents;
  /** The key's user: an auto-generated name includes it [C]. */
  private readonly userId: string;
  private readonly byNumber = new Map<string, AtomsStoredNumber>();

  readonly routes: Route[] = [
    { method: 'POST', path: /^\/atoms\/v1\/product\/import-phone-number\/?$/, handle: ({ body }) => this.importNumber(body) },
    { method: 'GET', path: /^\/atoms\/v1\/product\/phone-numbers\/?$/, handle: () => ({ status: 200, body: { status: true, data: [] } }) },
    { method: 'GET', path: /^\/atoms\/v1\/product\/all-numbers\/?$/, handle: () => this.allNumbers() },
  ];

  constructor(
    options: StandInOptions,
    private readonly random: SeededRandom,
  ) {
    this.apiKey = options.apiKey ?? `sk_${random.hex(32)}`;
    this.agents = new SeededAgents(options.agents);
    this.userId = random.hex(24);
  }

  authenticate(headers: IncomingHttpHeaders): Reply | null {
    return headers.authorization === `Bearer ${this.apiKey}` ? null : envelope(401, 'Unauthorized: User not found');
  }

  failure(status: number, message: string): Reply {
    if (status === 429) return { status, body: { message: 'Rate limit exceeded' } };
    return envelope(status, status >= 500 ? `Internal server error: ${message}` : message);
  }

  unknownRoute(method: string, path: string): Reply {
    return envelope(404, `Cannot ${method} ${path}`);
  }

  unparsable(): Reply {
    return envelope(400, 'Invalid JSON in request body');
  }

  numbers(): AtomsStoredNumber[] {
    return [...this.byNumber.values()];
  }

  reset(): void {
    this.byNumber.clear();
  }

  private importNumber(body: unknown): Reply {
    // Express's JSON parser reads no body as {} [I].
    const input = conform<ImportBody>(IMPORT, body ?? {}, invalidBody);
    if (input.phoneNumber.trim() === '') throw refuse(400, MISSING.phoneNumber ?? '');
    const termination = normalizeSipTerminationUrl(input.sipTerminationUrl);
    // The value is not echoed: user info in a URI may hold credentials.
    if (termination === null) {
      throw refuse(400, 'Invalid SIP termination URL: expected your SIP provider\'s hostname or IP address, optionally with a port (e.g. "sip.your-provider.com:5060")');
    }
    const cpsLimit = input.cpsLimit ?? 1;
    if (cpsLimit > 50) throw refuse(400, 'CPS limit cannot exceed 50');
    if (cpsLimit < 1) throw refuse(400, 'CPS limit must be at least 1');
    if (this.byNumber.has(input.phoneNumber)) throw refuse(400, 'Number already present');

    const now = new Date().toISOString();
    const product: AtomsProduct = {
      _id: this.random.hex(24),
      productType: 'custom',
      isActive: true,
      attributes: {
        name: input.name ?? `${input.phoneNumber}-${this.userId}`,
        phoneNumber: input.phoneNumber,
        outboundSipTrunkId: this.trunkId(),
        inboundSipTrunkId: this.trunkId(),
      },
      agentId: null,
      createdAt: now,
      updatedAt: now,
    };
    this.byNumber.set(input.phoneNumber, {
      ...product,
      sipTerminationUrl: termination,
      sipUsername: input.sipUsername ? input.sipUsername : null,
      sipPasswordSet: Boolean(input.sipPassword),
      cpsLimit,
    });
    return { status: 200, body: { status: true, data: product } };
  }

  private allNumbers(): Reply {
    const customProducts = this.numbers().map(({ sipTerminationUrl: _url, sipUsername: _user, sipPasswordSet: _set, cpsLimit: _cps, ...product }) => ({
      ...product,
      productType: 'custom-telephony',
    }));
    return { status: 200, body: { status: true, data: { telephonyProducts: [], customProducts } } };
  }

  private trunkId(): string {
    let id = 'ST_';
    for (let i = 0; i < 12; i++) id += ID_ALPHABET[Math.floor(this.random.next() * ID_ALPHABET.length)] ?? 'A';
    return id;
  }
}

/** `url` is the API base (`http://127.0.0.1:<port>/atoms/v1`), as AtomsPhoneNumbers takes it in `baseUrl`. */
export async function startSmallestStandIn(options: StandInOptions = {}): Promise<RunningStandIn<AtomsStoredNumber>> {
  const running = await startStandIn((random) => new AtomsPlatform(options, random), options);
  return { ...running, url: `${running.url}${ATOMS_BASE_PATH}` };
}
