// /trunks (reference §3 rows 1–5, §4.1).

import { duplicate, type ApiResult, type ExotelError } from '../envelopes';
import { page } from '../paging';
import { decodeObject, type Decoded } from '../request-body';
import { checkDomainName, checkNsoCode, checkTrunkName } from '../rules';
import { isoNow, withLinks, type TrunkRecord } from '../store';
import { trunkValues } from '../timeline';
import { requiredQuery, type ApiRequest } from './request';

const TRUNK_BODY = { trunk_name: 'string', nso_code: 'string', domain_name: 'string' } as const;
type TrunkBody = Decoded<typeof TRUNK_BODY>;

const duplicateName = (name: string): ExotelError => duplicate(`Unable to create trunk with name ${name}`);

function nameTaken(req: ApiRequest, name: string, except?: string): boolean {
  return req.store.account(req.account.sid).trunks.some((t) => t.trunk.trunk_name === name && t.trunk.trunk_sid !== except);
}

export function createTrunk(req: ApiRequest): ApiResult {
  const body: TrunkBody = decodeObject(req.body, TRUNK_BODY, 'CreateTrunkRequest');
  const trunkName = checkTrunkName(body.trunk_name);
  const nsoCode = checkNsoCode(body.nso_code);
  const domainName = checkDomainName(body.domain_name);
  // Names are unique per account; measured as HTTP 200 with an inner 409/1008 (S7).
  if (nameTaken(req, trunkName)) throw duplicateName(trunkName);
  const now = isoNow();
  const record: TrunkRecord = {
    trunk: {
      trunk_sid: req.store.newTrunkSid(req.account.region),
      trunk_name: trunkName,
      status: 'active',
      domain_name: domainName,
      nso_code: nsoCode,
      auth_type: 'IP-WHITELIST',
      registration_enabled: 'disabled',
      edge_preference: 'auto',
      secure_trunking: 'disabled',
      date_created: now,
      date_updated: now,
    },
    phone_numbers: [],
    whitelisted_ips: [],
    destination_uris: [],
    credentials: [],
    settings: [],
  };
  req.store.account(req.account.sid).trunks.push(record);
  req.store.changedTrunk(req.account.sid, record, { kind: 'trunk', operation: 'create', values: trunkValues(record.trunk) });
  return { kind: 'object', data: withLinks(req.account.sid, record.trunk) };
}

export function listTrunks(req: ApiRequest): ApiResult {
  const filter = req.query.get('trunk_sid');
  // [I] An unknown trunk_sid filter gives an empty page rather than 404.
  const trunks = req.store
    .account(req.account.sid)
    .trunks.filter((t) => !filter || t.trunk.trunk_sid === filter)
    .map((t) => withLinks(req.account.sid, t.trunk));
  return page(trunks, { path: `${req.basePath}/trunks`, query: req.query, keep: ['trunk_sid'] });
}

/** [T] Only the seed article's verify curl uses this; we answer the single-object envelope. */
export function getTrunk(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  return { kind: 'object', data: withLinks(req.account.sid, record.trunk) };
}

/**
 * [D] Postman only, no schema: "trunk_name, auth_type, nso_code, etc.". We accept the three create fields,
 * each validated as on create; other fields are ignored (Go's decoder drops unknown fields).
 */
export function updateTrunk(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const body: TrunkBody = decodeObject(req.body, TRUNK_BODY, 'UpdateTrunkRequest');
  const trunkName = body.trunk_name === undefined ? undefined : checkTrunkName(body.trunk_name);
  const nsoCode = body.nso_code === undefined ? undefined : checkNsoCode(body.nso_code);
  const domainName = body.domain_name === undefined ? undefined : checkDomainName(body.domain_name);
  if (trunkName !== undefined && nameTaken(req, trunkName, record.trunk.trunk_sid)) throw duplicateName(trunkName);
  const previous = trunkValues(record.trunk);
  record.trunk = {
    ...record.trunk,
    trunk_name: trunkName ?? record.trunk.trunk_name,
    nso_code: nsoCode ?? record.trunk.nso_code,
    domain_name: domainName ?? record.trunk.domain_name,
    date_updated: isoNow(),
  };
  req.store.changedTrunk(req.account.sid, record, { kind: 'trunk', operation: 'update', values: trunkValues(record.trunk), previous });
  return { kind: 'object', data: withLinks(req.account.sid, record.trunk) };
}

/**
 * DELETE /trunks?trunk_sid= (query, never path). Cascades to phone numbers, ACLs, destinations and settings;
 * credentials are not in Exotel's cascade, so they stay stored as orphans (S7 deletes them first for this reason).
 */
export function deleteTrunk(req: ApiRequest): ApiResult {
  const trunkSid = requiredQuery(req, 'trunk_sid', 'TrunkSid');
  const record = req.store.trunk(req.account.sid, trunkSid);
  const account = req.store.account(req.account.sid);
  account.trunks.splice(account.trunks.indexOf(record), 1);
  account.orphan_credentials.push(...record.credentials);
  // The numbers went with the trunk: the entry says where each is still mapped, if anywhere.
  req.store.changedTrunk(req.account.sid, record, {
    kind: 'trunk',
    operation: 'delete',
    values: trunkValues(record.trunk),
    numbers: record.phone_numbers.map((m) => m.phone_number),
  });
  // The observed delete response carries the trunk's fields without the four links.
  return { kind: 'object', data: record.trunk };
}
