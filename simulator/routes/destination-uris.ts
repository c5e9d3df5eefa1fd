// /trunks/{tsid}/destination-uris (reference §3 rows 14–17, §4.4).

import { ExotelError, failureItem, mandatory, success, type ApiResult, type ItemEnvelope } from '../envelopes';
import { page } from '../paging';
import { decodeObject } from '../request-body';
import { checkDestination, checkPriorityOrWeight, destinationNotWhitelisted, ipInCidr } from '../rules';
import { isoNow, type TrunkRecord } from '../store';
import { destinationValues } from '../timeline';
import type { DestinationUri } from '../types';
import { byId, removeById, targetId, type ApiRequest } from './request';

const CREATE_BODY = {
  destinations: { items: { destination: 'string' }, goType: 'DestinationRequest' },
} as const;
const UPDATE_BODY = { destination: 'string', priority: 'int', weight: 'int' } as const;

/** Checks one destination and returns it as Exotel echoes it: with a `sip:` prefix. */
function acceptDestination(record: TrunkRecord, destination: string | undefined): string {
  const parsed = checkDestination(destination);
  // An IP destination must already be whitelisted on this trunk; FQDNs need no ACL entry (reference §4.4).
  const { ip } = parsed;
  if (ip !== null && !record.whitelisted_ips.some((acl) => ipInCidr(ip, acl.ip, acl.mask))) {
    throw destinationNotWhitelisted();
  }
  return `sip:${parsed.host}:${parsed.port};transport=${parsed.transport}`;
}

/**
 * A batch: each item is created or refused on its own, and any refusal makes the answer 207.
 * POST appends: the same URI posted twice is stored twice (S7, measured).
 */
export function createDestinationUris(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const body = decodeObject(req.body, CREATE_BODY, 'CreateDestinationUrisRequest');
  const requested = body.destinations ?? [];
  if (requested.length === 0) throw mandatory('Destinations is mandatory'); // [I]
  const items: ItemEnvelope[] = requested.map((item) => {
    let destination: string;
    try {
      destination = acceptDestination(record, item.destination);
    } catch (error) {
      if (error instanceof ExotelError) return failureItem(error);
      throw error;
    }
    const now = isoNow();
    const created: DestinationUri = {
      id: req.store.newId(),
      destination,
      type: 'public',
      priority: 0,
      weight: 1,
      trunk_sid: record.trunk.trunk_sid,
      date_created: now,
      date_updated: now,
    };
    record.destination_uris.push(created);
    req.store.changedTrunk(req.account.sid, record, { kind: 'destination', operation: 'create', id: created.id, values: destinationValues(created) });
    return success(created);
  });
  const succeeded = items.filter((i) => i.status === 'success').length;
  const failed = items.length - succeeded;
  // The observed all-success answer has metadata {total, success}; `failed` appears with failures (reference §2.3).
  const metadata: Record<string, number> = { total: items.length, success: succeeded };
  if (failed > 0) metadata.failed = failed;
  return { kind: 'batch', items, metadata };
}

export function listDestinationUris(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  return page(record.destination_uris, { path: `${req.basePath}/trunks/${record.trunk.trunk_sid}/destination-uris`, query: req.query });
}

/** [D] Postman only ("e.g. {priority, weight}"). [I] destination may change too, validated as on create. */
export function updateDestinationUri(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const uri = byId(record.destination_uris, req.params.id);
  const body = decodeObject(req.body, UPDATE_BODY, 'UpdateDestinationUriRequest');
  const destination = body.destination === undefined ? uri.destination : acceptDestination(record, body.destination);
  const priority = checkPriorityOrWeight('Priority', body.priority) ?? uri.priority;
  const weight = checkPriorityOrWeight('Weight', body.weight) ?? uri.weight;
  const previous = destinationValues(uri);
  Object.assign(uri, { destination, priority, weight, date_updated: isoNow() });
  req.store.changedTrunk(req.account.sid, record, { kind: 'destination', operation: 'update', id: uri.id, values: destinationValues(uri), previous });
  return { kind: 'object', data: uri };
}

/** [D/X] Query `?id=` per Postman, path `/{id}` per S12; the server's deleteStyle decides which form is routed. */
export function deleteDestinationUri(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const uri = removeById(record.destination_uris, targetId(req));
  req.store.changedTrunk(req.account.sid, record, { kind: 'destination', operation: 'delete', id: uri.id, values: destinationValues(uri) });
  return { kind: 'object', data: uri };
}
