// /trunks/{tsid}/whitelisted-ips (reference §3 rows 10–13, §4.3).

import { duplicate, type ApiResult, type ExotelError } from '../envelopes';
import { page } from '../paging';
import { decodeObject } from '../request-body';
import { checkIp, checkMask } from '../rules';
import { isoNow, type TrunkRecord } from '../store';
import { aclValues } from '../timeline';
import type { WhitelistedIp } from '../types';
import { byId, removeById, targetId, type ApiRequest } from './request';

const ACL_BODY = { ip: 'string', mask: 'uint8' } as const;

const duplicateIp = (ip: string): ExotelError => duplicate(`Unable to Whitelist-ip with ip ${ip}`);

const ipTaken = (record: TrunkRecord, ip: string, except?: string): boolean =>
  record.whitelisted_ips.some((acl) => acl.ip === ip && acl.id !== except);

export function createWhitelistedIp(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const body = decodeObject(req.body, ACL_BODY, 'CreateWhitelistipsRequest');
  const ip = checkIp(body.ip);
  const mask = checkMask(body.mask);
  if (ipTaken(record, ip)) throw duplicateIp(ip);
  const now = isoNow();
  const acl: WhitelistedIp = {
    id: req.store.newId(),
    ip,
    mask,
    trunk_sid: record.trunk.trunk_sid,
    friendly_name: null,
    date_created: now,
    date_updated: now,
  };
  record.whitelisted_ips.push(acl);
  req.store.changedTrunk(req.account.sid, record, { kind: 'acl', operation: 'create', id: acl.id, values: aclValues(acl) });
  return { kind: 'object', data: acl };
}

export function listWhitelistedIps(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  return page(record.whitelisted_ips, { path: `${req.basePath}/trunks/${record.trunk.trunk_sid}/whitelisted-ips`, query: req.query });
}

/** [D] Postman only. [I] Partial: `ip` and `mask` are each optional and validated as on create. */
export function updateWhitelistedIp(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const acl = byId(record.whitelisted_ips, req.params.id);
  const body = decodeObject(req.body, ACL_BODY, 'UpdateWhitelistipsRequest');
  const ip = body.ip === undefined ? acl.ip : checkIp(body.ip);
  const mask = body.mask === undefined ? acl.mask : checkMask(body.mask);
  if (ipTaken(record, ip, acl.id)) throw duplicateIp(ip);
  const previous = aclValues(acl);
  Object.assign(acl, { ip, mask, date_updated: isoNow() });
  req.store.changedTrunk(req.account.sid, record, { kind: 'acl', operation: 'update', id: acl.id, values: aclValues(acl), previous });
  return { kind: 'object', data: acl };
}

/** [D] Query `?id=` per Postman; the server's deleteStyle decides which form is routed. */
export function deleteWhitelistedIp(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const acl = removeById(record.whitelisted_ips, targetId(req));
  req.store.changedTrunk(req.account.sid, record, { kind: 'acl', operation: 'delete', id: acl.id, values: aclValues(acl) });
  return { kind: 'object', data: acl };
}
