// The JSON a signup flow sends, and the setup it asks for.
import { IssueCollector, InputValidationError } from '../domain/validation';
import { resolveSetupRequest, type SetupRequest } from '../client/setups';

const FIELDS = [
  'customerId',
  'exotelAccountSid',
  'did',
  'provider',
  'providerFields',
  'providerIps',
  'allowAclWithDigest',
  'destinations',
  'trunkSid',
  'opsDecisionTimeout',
];

/**
 * `{ direction: "outbound" | "inbound", customerId, exotelAccountSid, did, provider?, providerIps?, destinations?,
 *    trunkSid?, opsDecisionTimeout? }`: the setup input of that direction, plus the direction. Throws
 * InputValidationError naming every problem at once.
 */
export function setupRequestFromEvent(event: unknown, defaults: { opsDecisionTimeout?: string | number }): SetupRequest {
  const c = new IssueCollector();
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    c.add('body', Array.isArray(event) ? 'array' : typeof event, 'must be a JSON object');
    c.throwIfAny();
  }
  const { direction, ...fields } = event as Record<string, unknown>;
  for (const field of Object.keys(fields)) if (!FIELDS.includes(field)) c.add(field, '(present)', `is not a signup event field (${FIELDS.join(', ')})`);
  const input = { ...(defaults.opsDecisionTimeout !== undefined ? { opsDecisionTimeout: defaults.opsDecisionTimeout } : {}), ...fields };
  const known = direction === 'outbound' || direction === 'inbound';
  if (!known) c.add('direction', direction, 'must be outbound or inbound');
  // Without a known direction the fields both directions share are still checked (the outbound rules are those).
  let request = { direction: known ? direction : 'outbound', input } as SetupRequest;
  try {
    request = resolveSetupRequest(request);
  } catch (err) {
    if (!(err instanceof InputValidationError)) throw err;
    c.issues.push(...err.issues);
  }
  c.throwIfAny();
  return request;
}
