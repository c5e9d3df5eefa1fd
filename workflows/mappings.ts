// How a setup reports its DID mappings: as before for one number (a single mapping id), and each number's id
// when there are several.
import type { OutboundSetupResult } from '../domain/setup-result';

/** For the `map-did` step's status: the first mapping's id, and all of them (in DID order) when there are several. */
export function mappingResource(ids: Record<string, string>): Record<string, string | string[]> {
  const all = Object.values(ids);
  return all.length > 1 ? { mappingId: all[0] ?? '', mappingIds: all } : { mappingId: all[0] ?? '' };
}

/** For the result. */
export function mappingResult(ids: Record<string, string>): Pick<OutboundSetupResult, 'phoneNumberMappingId' | 'phoneNumberMappingIds'> {
  const all = Object.values(ids);
  return { phoneNumberMappingId: all[0] ?? '', ...(all.length > 1 ? { phoneNumberMappingIds: ids } : {}) };
}
