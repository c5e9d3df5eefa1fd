// /trunks/{tsid}/phone-numbers (reference §3 rows 6–9, §4.2).

import { duplicate, type ApiResult, type ExotelError } from '../envelopes';
import { page } from '../paging';
import { decodeObject } from '../request-body';
import { checkMode, checkPhoneNumber } from '../rules';
import { isoNow, type TrunkRecord } from '../store';
import { numberValues } from '../timeline';
import type { PhoneNumberMapping } from '../types';
import { byId, removeById, targetId, type ApiRequest } from './request';

const MAPPING_BODY = { phone_number: 'string', mode: 'string' } as const;

const duplicateMapping = (trunkSid: string): ExotelError =>
  duplicate(`Unable to create DidTrunkMapping with TrunkSid ${trunkSid}`);

// [I] Whether a number may sit on two trunks is unknown (reference §14). With numberScope 'account' (default) a
// number another trunk carries is refused like a duplicate on the same trunk; with 'trunk' it is allowed.
function numberTaken(req: ApiRequest, record: TrunkRecord, phone: string, except?: string): boolean {
  const trunks = req.numberScope === 'account' ? req.store.account(req.account.sid).trunks : [record];
  return trunks.some((t) => t.phone_numbers.some((m) => m.phone_number === phone && m.id !== except));
}

export function createPhoneNumber(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const body = decodeObject(req.body, MAPPING_BODY, 'CreateDidTrunkMappingRequest');
  const phone = checkPhoneNumber(body.phone_number);
  const mode = checkMode(body.mode, false);
  if (numberTaken(req, record, phone)) throw duplicateMapping(record.trunk.trunk_sid);
  const now = isoNow();
  const mapping: PhoneNumberMapping = {
    id: req.store.newId(),
    phone_number: phone,
    trunk_sid: record.trunk.trunk_sid,
    mode,
    date_created: now,
    date_updated: now,
  };
  record.phone_numbers.push(mapping);
  req.store.changedTrunk(req.account.sid, record, { kind: 'number', operation: 'create', id: mapping.id, values: numberValues(mapping), numbers: [phone] });
  return { kind: 'object', data: mapping };
}

export function listPhoneNumbers(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  return page(record.phone_numbers, { path: `${req.basePath}/trunks/${record.trunk.trunk_sid}/phone-numbers`, query: req.query });
}

/** PUT /{id}: the id is the mapping id, not the number; phone_number and mode are both required (S2). */
export function updatePhoneNumber(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const mapping = byId(record.phone_numbers, req.params.id);
  const body = decodeObject(req.body, MAPPING_BODY, 'UpdateDidTrunkMappingRequest');
  const phone = checkPhoneNumber(body.phone_number);
  const mode = checkMode(body.mode, true);
  if (numberTaken(req, record, phone, mapping.id)) throw duplicateMapping(record.trunk.trunk_sid);
  const previous = numberValues(mapping);
  const before = mapping.phone_number;
  Object.assign(mapping, { phone_number: phone, mode, date_updated: isoNow() });
  req.store.changedTrunk(req.account.sid, record, {
    kind: 'number',
    operation: 'update',
    id: mapping.id,
    values: numberValues(mapping),
    previous,
    numbers: [before, phone],
  });
  return { kind: 'object', data: mapping };
}

/** [D/X] Query `?id=` per S3b/S7, path `/{id}` per S12: the server's deleteStyle decides which form is routed. */
export function deletePhoneNumber(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const mapping = removeById(record.phone_numbers, targetId(req));
  req.store.changedTrunk(req.account.sid, record, {
    kind: 'number',
    operation: 'delete',
    id: mapping.id,
    values: numberValues(mapping),
    numbers: [mapping.phone_number],
  });
  return { kind: 'object', data: mapping };
}
