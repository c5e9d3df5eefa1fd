// The route table under /v2/accounts/{account_sid}. A path that exists with another method answers 405,
// which is how the two DELETE styles differ: the id form that is not routed hits a route that lacks DELETE.

import { methodNotAllowed, notFound } from '../envelopes';
import type { DeleteStyle } from '../types';
import { createCredential, deleteCredential, listCredentials, updateCredential } from './credentials';
import { createDestinationUris, deleteDestinationUri, listDestinationUris, updateDestinationUri } from './destination-uris';
import { createPhoneNumber, deletePhoneNumber, listPhoneNumbers, updatePhoneNumber } from './phone-numbers';
import type { ApiRequest, Handler } from './request';
import { createSettings, deleteSetting, listSettings } from './settings';
import { listTrunkMaps } from './trunk-maps';
import { createTrunk, deleteTrunk, getTrunk, listTrunks, updateTrunk } from './trunks';
import { createWhitelistedIp, deleteWhitelistedIp, listWhitelistedIps, updateWhitelistedIp } from './whitelisted-ips';

export interface Route {
  /** Segments; ':trunk_sid' and ':id' capture. */
  pattern: string[];
  methods: Partial<Record<string, Handler>>;
}

const route = (pattern: string, methods: Route['methods']): Route => ({ pattern: pattern.split('/').filter(Boolean), methods });

/** Builds the table once per server: deleteStyle moves DELETE between the collection and the item path. */
export function buildRoutes(deleteStyle: DeleteStyle): Route[] {
  const byQuery = deleteStyle === 'query';
  const idCollection = (name: string, list: Handler, create: Handler, update: Handler, remove: Handler): Route[] => [
    route(`/trunks/:trunk_sid/${name}`, { GET: list, POST: create, ...(byQuery ? { DELETE: remove } : {}) }),
    route(`/trunks/:trunk_sid/${name}/:id`, { PUT: update, ...(byQuery ? {} : { DELETE: remove }) }),
  ];
  return [
    // Trunks and credentials are query-only whatever the style: the sources agree on those (reference §3).
    route('/trunks', { GET: listTrunks, POST: createTrunk, DELETE: deleteTrunk }),
    route('/trunks/:trunk_sid', { GET: getTrunk, PUT: updateTrunk }),
    ...idCollection('phone-numbers', listPhoneNumbers, createPhoneNumber, updatePhoneNumber, deletePhoneNumber),
    ...idCollection('whitelisted-ips', listWhitelistedIps, createWhitelistedIp, updateWhitelistedIp, deleteWhitelistedIp),
    ...idCollection('destination-uris', listDestinationUris, createDestinationUris, updateDestinationUri, deleteDestinationUri),
    route('/trunks/:trunk_sid/credentials', { GET: listCredentials, POST: createCredential, DELETE: deleteCredential }),
    route('/trunks/:trunk_sid/credentials/:id', { PUT: updateCredential }),
    route('/trunks/:trunk_sid/settings', { GET: listSettings, POST: createSettings, DELETE: deleteSetting }),
    route('/trunk-maps', { GET: listTrunkMaps }),
  ];
}

export interface Match {
  handler: Handler;
  params: ApiRequest['params'];
}

/** Resolves `rest` (the path after /v2/accounts/{sid}); throws 404/1000 or 405. */
export function matchRoute(routes: Route[], method: string, rest: string): Match {
  // `rest` is '' or starts with '/'; empty segments (a trailing or doubled slash) never match, as in Exotel's router [I].
  const segments = rest === '' ? [] : rest.slice(1).split('/').map(decodeSegment);
  for (const candidate of routes) {
    if (candidate.pattern.length !== segments.length) continue;
    const params = { trunk_sid: '', id: '' };
    const fits = candidate.pattern.every((part, i) => {
      const segment = segments[i] ?? '';
      if (part === ':trunk_sid' || part === ':id') {
        params[part === ':id' ? 'id' : 'trunk_sid'] = segment;
        return segment !== '';
      }
      return part === segment;
    });
    if (!fits) continue;
    const handler = candidate.methods[method];
    if (!handler) throw methodNotAllowed(method, Object.keys(candidate.methods));
    return { handler, params };
  }
  throw notFound();
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw notFound();
  }
}
