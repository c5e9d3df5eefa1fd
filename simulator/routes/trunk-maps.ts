// GET /trunk-maps?exophone=E.164[&trunk_sid=] (reference §3 row 25): which trunk a number is mapped to.
// [D] The response shape is unpublished; [I] we answer the list envelope of the matching phone-number mappings.

import type { ApiResult } from '../envelopes';
import { page } from '../paging';
import { checkPhoneNumber } from '../rules';
import type { ApiRequest } from './request';

export function listTrunkMaps(req: ApiRequest): ApiResult {
  const exophone = checkPhoneNumber(req.query.get('exophone') ?? undefined);
  const trunkSid = req.query.get('trunk_sid');
  const mappings = req.store
    .account(req.account.sid)
    .trunks.filter((t) => !trunkSid || t.trunk.trunk_sid === trunkSid)
    .flatMap((t) => t.phone_numbers.filter((m) => m.phone_number === exophone));
  return page(mappings, { path: `${req.basePath}/trunk-maps`, query: req.query, keep: ['exophone', 'trunk_sid'] });
}
