// Smallest AI Atoms' imported SIP numbers over its REST API (https://api.smallest.ai/atoms/v1, `Authorization: Bearer
// <key>`; no Node server SDK covers them): a number imported with the Exotel edge as its SIP termination URL and
// Exotel's digest credentials, each call one request, each failure a PlatformError.
//
// What Atoms offers, from its OpenAPI spec and the smallestai Python SDK [C] (simulator/voice-ai/smallest.ts lists
// the sources): an import, and GET /product/all-numbers, which lists the imported numbers under `customProducts`
// (GET /product/phone-numbers does not: it lists rented numbers only). There is no documented update or delete of an
// imported number, so a rollback cannot remove one by API: a person deletes it in the dashboard.
//
// A second import of the same number is a 400 "Number already present" [C]: `duplicate` by sdk-errors.ts's rule, and
// by this client when Atoms says it in a 200 `{status: false}` envelope [I] (the caller then finds the number).
// Behaviour checked against the stand-in (test/voice-ai/smallest.test.ts), not Atoms itself.
import type { AccountProvider } from '../domain/platform-side';
import { PlatformError } from './errors';
import { firstString, RestPlatform } from './rest';
import { localError, saysAlreadyThere } from './sdk-errors';

/** Atoms' API base [C]. */
export const ATOMS_API_URL = 'https://api.smallest.ai/atoms/v1';

const PROVIDER: AccountProvider = 'smallest-atoms';
const IMPORT = 'POST /product/import-phone-number';
const LIST_ALL = 'GET /product/all-numbers';

/** Atoms does not check E.164 [C], but a number in another form would never match the calls' numbers [I]. */
const E164 = /^\+[1-9]\d{1,14}$/;

export interface AtomsAccountSettings {
  name: string;
  provider: 'smallest-atoms';
  apiKey: string;
  /** Default Atoms' own API (ATOMS_API_URL). */
  baseUrl?: string;
}

export interface AtomsImport {
  /** E.164. */
  phoneNumber: string;
  /** Exotel's edge: see sipTerminationUrlFor. */
  sipTerminationUrl: string;
  name: string;
  sipUsername?: string;
  sipPassword?: string;
}

/** What Atoms answers of an imported number: never the password, nor the termination URL or username. */
export interface AtomsImportedNumber {
  /** The product's `_id`. */
  id: string;
  /** '' when Atoms' answer has none (its list's Product schema does not promise one [C]). */
  name: string;
  phoneNumber: string;
  inboundSipTrunkId: string | null;
  outboundSipTrunkId: string | null;
}

/**
 * The SIP termination URL for Exotel's edge as the smallest-atoms profile's sheet spells it:
 * `sip:host:port;transport=tcp|tls`. Atoms documents no transport field [C], but it also normalizes a SIP URI to
 * `host[:port]`, stripping the scheme and URI parameters such as `;transport=` [C: changelog 2026-07-07], so the
 * transport given here does not reach Atoms' trunk; the port does (Exotel's edges serve no SIP default port: TCP 5070,
 * TLS 443). Which transport Atoms then uses is undocumented [I].
 */
export const sipTerminationUrlFor = (edge: { host: string; port: number; transport: 'tls' | 'tcp' }): string =>
  `sip:${edge.host}:${edge.port};transport=${edge.transport}`;

export class AtomsPhoneNumbers {
  private readonly rest: RestPlatform;

  constructor(account: AtomsAccountSettings) {
    if (account.provider !== 'smallest-atoms') {
      throw new Error(`AtomsPhoneNumbers needs a smallest-atoms account, not ${String(account.provider)} account ${account.name}`);
    }
    this.rest = new RestPlatform(PROVIDER, { apiKey: account.apiKey, baseUrl: account.baseUrl ?? ATOMS_API_URL }, readError);
  }

  /** A number imported twice is a PlatformError of kind duplicate. */
  async importNumber(o: AtomsImport): Promise<AtomsImportedNumber> {
    if (!E164.test(o.phoneNumber)) {
      throw localError(PROVIDER, IMPORT, new Error(`phoneNumber ${JSON.stringify(o.phoneNumber)} is not E.164 ("+", then up to 15 digits)`), 'validation');
    }
    const answer = await duplicateWhenPresent(
      this.rest
        .send<unknown>(IMPORT, {
          method: 'POST',
          path: '/product/import-phone-number',
          body: {
            phoneNumber: o.phoneNumber,
            sipTerminationUrl: o.sipTerminationUrl,
            name: o.name,
            ...(o.sipUsername !== undefined ? { sipUsername: o.sipUsername } : {}),
            ...(o.sipPassword !== undefined ? { sipPassword: o.sipPassword } : {}),
          },
        })
        .then((body) => payload(IMPORT, body)),
    );
    const view = numberView(answer);
    if (!view) throw unexpected(IMPORT, 'no data._id or data.attributes.phoneNumber');
    return view;
  }

  /** Every imported number of the account (GET /product/all-numbers' `customProducts`), in Atoms' order. */
  async listImportedNumbers(): Promise<AtomsImportedNumber[]> {
    const data = payload(LIST_ALL, await this.rest.send<unknown>(LIST_ALL, { method: 'GET', path: '/product/all-numbers' }));
    const custom = isRecord(data) ? data.customProducts : undefined;
    // An answer without the list must not read as "not imported": the caller would import again.
    if (!Array.isArray(custom)) throw unexpected(LIST_ALL, 'no data.customProducts list');
    return custom.map(numberView).filter((n): n is AtomsImportedNumber => n !== null);
  }

  /** The imported number, or null when Atoms has none by that number (as sent at import). */
  async findImportedNumber(phoneNumber: string): Promise<AtomsImportedNumber | null> {
    return (await this.listImportedNumbers()).find((n) => n.phoneNumber === phoneNumber) ?? null;
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** `{status: false, errors: [string]}` [C]; the one documented 429 is `{message}` [C, another route]. */
function readError(body: unknown): { description?: string } {
  const errors = isRecord(body) ? body.errors : undefined;
  const listed = Array.isArray(errors) ? errors.filter((e): e is string => typeof e === 'string' && e !== '').join('; ') : undefined;
  const description = listed || firstString(body, 'message', 'error', 'detail');
  return description ? { description } : {};
}

/**
 * `data` of a `{status, data}` answer. A 2xx that says `status: false` is read as a refusal [I: not documented, but
 * the envelope allows it].
 */
function payload(operation: string, body: unknown): unknown {
  if (isRecord(body) && body.status === false) {
    throw new PlatformError({ provider: PROVIDER, kind: 'rejected', operation, httpStatus: 200, description: readError(body).description ?? 'status: false' });
  }
  return isRecord(body) ? body.data : undefined;
}

function unexpected(operation: string, what: string): PlatformError {
  return new PlatformError({ provider: PROVIDER, kind: 'rejected', operation, description: `unexpected answer: ${what}` });
}

async function duplicateWhenPresent<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (err) {
    const refusal = err instanceof PlatformError ? err.details : undefined;
    if (refusal && refusal.kind !== 'duplicate' && [200, 400, 422].includes(refusal.httpStatus ?? 0) && saysAlreadyThere(refusal.description)) {
      throw new PlatformError({ ...refusal, kind: 'duplicate' });
    }
    throw err;
  }
}

/** An import's `data` or an item of `customProducts`; null when it has no id or number. */
function numberView(product: unknown): AtomsImportedNumber | null {
  if (!isRecord(product)) return null;
  const attributes = isRecord(product.attributes) ? product.attributes : {};
  const id = firstString(product, '_id', 'id');
  const phoneNumber = firstString(attributes, 'phoneNumber') ?? firstString(product, 'phoneNumber');
  if (!id || !phoneNumber) return null;
  return {
    id,
    name: firstString(attributes, 'name') ?? '',
    phoneNumber,
    inboundSipTrunkId: firstString(attributes, 'inboundSipTrunkId') ?? null,
    outboundSipTrunkId: firstString(attributes, 'outboundSipTrunkId') ?? null,
  };
}
