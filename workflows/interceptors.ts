// The workflow interceptors (worker/workflow-bundle.ts bundles them with the workflows): every activity the
// workflows schedule carries a one-line summary, shown in the Temporal UI's event history and timeline, so ops read
// "POST /trunks acme_out_42" or "map +919876543210 to trmum1…" instead of "ActivityTaskScheduled createTrunk".
// Summaries are user metadata: encrypted by the payload codec like the arguments they are made from. A summary
// never holds a password, whatever the codec.
import type { ActivityInput, Next, WorkflowInterceptorsFactory, WorkflowOutboundCallsInterceptor } from '@temporalio/workflow';

type Args = Record<string, unknown>;

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : Array.isArray(v) ? v.map(text).join(', ') : '?');
const trunk = (a: Args): string => text(a.trunkSid);

/** Exotel's requests as Exotel's API names them (under /v2/accounts/<sid>), with the value that tells them apart. */
const EXOTEL: Record<string, (a: Args) => string> = {
  createTrunk: (a) => `POST /trunks ${text(a.trunkName)}`,
  findTrunk: (a) => `GET /trunks ${text(a.trunkSid ?? a.trunkName)}`,
  listTrunks: () => 'GET /trunks',
  trunksOfNumber: (a) => `find the trunks of ${text(a.phoneNumber)}`,
  deleteTrunk: (a) => `DELETE /trunks/${trunk(a)}`,
  mapPhoneNumber: (a) => `map ${text(a.phoneNumber)} to ${trunk(a)}`,
  listPhoneNumbers: (a) => `GET /trunks/${trunk(a)}/phone-numbers`,
  setPhoneNumberMode: (a) => `set ${text(a.phoneNumber)} to ${text(a.mode)} on ${trunk(a)}`,
  deletePhoneNumber: (a) => `DELETE /trunks/${trunk(a)}/phone-numbers/${text(a.id)}`,
  createCredential: (a) => `POST /trunks/${trunk(a)}/credentials ${text(a.userName)}`,
  listCredentials: (a) => `GET /trunks/${trunk(a)}/credentials`,
  deleteCredential: (a) => `DELETE /trunks/${trunk(a)}/credentials ${text(a.id)}`,
  addWhitelistedIp: (a) => `POST /trunks/${trunk(a)}/whitelisted-ips ${text(a.ip)}`,
  listWhitelistedIps: (a) => `GET /trunks/${trunk(a)}/whitelisted-ips`,
  deleteWhitelistedIp: (a) => `DELETE /trunks/${trunk(a)}/whitelisted-ips/${text(a.id)}`,
  addDestinationUris: (a) => `POST /trunks/${trunk(a)}/destination-uris ${text(a.destinations)}`,
  listDestinationUris: (a) => `GET /trunks/${trunk(a)}/destination-uris`,
  deleteDestinationUri: (a) => `DELETE /trunks/${trunk(a)}/destination-uris/${text(a.id)}`,
};

const LOCAL: Record<string, (a: Args) => string> = {
  generateSipPassword: () => 'generate a SIP password (kept only in the result)',
  describeAccount: (a) => `read the settings of Exotel account ${text(a.accountSid)}`,
  probeDestination: (a) => `probe ${text(a.destination)} with SIP OPTIONS`,
  describePlatformAccount: (a) => `read the ${text(a.provider)} account ${text(a.name ?? 'default')}`,
  recordDriftScan: (a) => `record the drift scan of ${text(a.account)}`,
  managedLinesPage: (a) => `list the managed lines of ${text(a.accountSid)}`,
};

const PLATFORMS: [prefix: string, name: string][] = [
  ['livekit', 'LiveKit'],
  ['retell', 'Retell'],
  ['elevenlabs', 'ElevenLabs'],
  ['bolna', 'Bolna'],
  ['daily', 'Daily'],
  ['atoms', 'Atoms'],
];

/** The field that names what a platform request is about, in the order they are looked for. */
const PLATFORM_KEYS = ['phoneNumber', 'e164', 'name', 'trunkName', 'cidr', 'host', 'id', 'trunkId'];

/** `retellImportNumber {phoneNumber: '+91…'}` → `Retell: import number +91…`. */
function platformSummary(activityType: string, a: Args): string | undefined {
  const platform = PLATFORMS.find(([prefix]) => activityType.startsWith(prefix) && /[A-Z]/.test(activityType.charAt(prefix.length)));
  if (!platform) return undefined;
  const action = activityType
    .slice(platform[0].length)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
  const key = PLATFORM_KEYS.find((k) => typeof a[k] === 'string' || typeof a[k] === 'number');
  return `${platform[1]}: ${action}${key ? ` ${text(a[key])}` : ''}`;
}

/** What the UI shows for an activity; batch-file reads and anything unknown get their name in words. */
export function activitySummary(activityType: string, args: readonly unknown[]): string {
  const a = (typeof args[0] === 'object' && args[0] !== null ? args[0] : {}) as Args;
  const known = EXOTEL[activityType] ?? LOCAL[activityType];
  return known?.(a) ?? platformSummary(activityType, a) ?? activityType.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

class ActivitySummaries implements WorkflowOutboundCallsInterceptor {
  scheduleActivity(input: ActivityInput, next: Next<WorkflowOutboundCallsInterceptor, 'scheduleActivity'>): Promise<unknown> {
    if (input.options.summary) return next(input);
    return next({ ...input, options: { ...input.options, summary: activitySummary(input.activityType, input.args) } });
  }
}

export const interceptors: WorkflowInterceptorsFactory = () => ({ outbound: [new ActivitySummaries()] });
