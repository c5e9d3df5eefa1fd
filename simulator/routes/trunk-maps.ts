// GET /trunk-maps?exophone=E.164[&trunk_sid=] (reference §3 row 25): which trunk a number is mapped to.
// [D] The response shape is unpublished; [I] we answer the list envelope of the matching phone-number mappings.

import type { ApiResult } from '../envelopes';
import { page } from '../paging';
import { checkPhoneNumber } from '../rules';
import type { ApiRequest } from './request';

/**
 * [I] Exotel's own trunk_maps.sh sends `exophone=+9180…` with a raw "+", which a query parser (Go's, like the
 * WHATWG one here) reads as a space. So a leading space followed by digits only is read as the "+" it was; anything
 * else goes to the E.164 check unchanged, so a truly invalid number still answers 400/1002 "Invalid PhoneNumber".
 */
export function readExophone(raw: string | null): string | undefined {
  if (raw === null) return undefined;
  return /^ \d+$/.test(raw) ? `+${raw.slice(1)}` : raw;
}

export function listTrunkMaps(req: ApiRequest): ApiResult {
  const exophone = checkPhoneNumber(readExophone(req.query.get('exophone')));
  const trunkSid = req.query.get('trunk_sid');
  const mappings = req.store
    .account(req.account.sid)
    .trunks.filter((t) => !trunkSid || t.trunk.trunk_sid === trunkSid)
    .flatMap((t) => t.phone_numbers.filter((m) => m.phone_number === exophone));
  // The page URIs carry the number as read (%2B), whichever form arrived.
  const query = new URLSearchParams(req.query);
  query.set('exophone', exophone);
  return page(mappings, { path: `${req.basePath}/trunk-maps`, query, keep: ['exophone', 'trunk_sid'] });
}
