// The platform's side of a line's operations: offboarding's deletes, a rotation's new credential, a DID change's
// numbers.
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureTypes } from '../../domain/failures';
import { PLATFORM_NAMES, type AccountProvider, type ApiProvider, type NumberProvider, type PlatformObject } from '../../domain/platform-side';
import type { Direction } from '../../domain/setup';
import type { SipEdge } from '../../domain/setup-result';
import { platformFor } from '../activity-profiles';
import type { Saga } from '../saga';
import { bolnaNumberPart } from './bolna';
import { deletePlatformObject, edgeOf, ensureParts, parsedTransport, transportOf } from './ensure';
import { ensureNumbers, NUMBER_KIND } from './numbers';

/** Deletes one object a line recorded (offboarding; setups' rollbacks delete through their saga). */
export const removePlatformObject = (provider: ApiProvider, account: string, object: Pick<PlatformObject, 'kind' | 'id'>): Promise<boolean> =>
  deletePlatformObject(platformFor(provider).platform, account, object);

/**
 * Gives one object that dials Exotel (a line's outbound trunk or number) a new digest credential, and returns the
 * user it signs in as, read back from the platform's answer. ElevenLabs replaces an outbound trunk whole, so its
 * other settings are read first and sent again unchanged.
 */
export async function updatePlatformCredential(
  provider: ApiProvider,
  account: string,
  { kind, id }: Pick<PlatformObject, 'kind' | 'id'>,
  { userName, password }: { userName: string; password: string },
): Promise<string | null> {
  const { platform } = platformFor(provider);
  switch (kind) {
    case 'livekit-outbound-trunk':
      return (await platform.livekitUpdateOutboundTrunkAuth({ account, id, authUsername: userName, authPassword: password })).authUsername;
    case 'bolna-trunk':
      return (await platform.bolnaUpdateTrunk({ account, id, authUsername: userName, authPassword: password })).authUsername;
    case 'retell-phone-number':
      return (await platform.retellUpdateNumber({ account, phoneNumber: id, authUsername: userName, authPassword: password })).authUsername;
    case 'elevenlabs-phone-number': {
      const now = await platform.elevenlabsGetNumber({ account, id });
      const trunk = now?.outbound;
      const transport = trunk && transportOf(trunk.transport);
      if (!trunk || !transport) throw ApplicationFailure.nonRetryable(`ElevenLabs number ${id} has no outbound trunk to give the credential`, FailureTypes.crossCheckMismatch);
      const updated = await platform.elevenlabsUpdateNumber({ account, id, outbound: { address: trunk.address, transport, mediaEncryption: trunk.mediaEncryption, username: userName, password } });
      return updated.outbound?.username ?? null;
    }
    default:
      throw ApplicationFailure.nonRetryable(`${kind} does not dial Exotel`, FailureTypes.configuration);
  }
}

/** What a line's DID change needs of the line on the platform's side. */
export interface LineOnPlatform {
  customerId: string;
  direction: Direction;
  platform: { provider: AccountProvider; account: string; objects: PlatformObject[] };
  /** Inbound: the destinations Exotel sends to (their transport sets media encryption). */
  destinations: string[];
}

/**
 * A DID added to a line, on the platform too, like the line's other numbers: its agent copied from one of them, made
 * with create-or-adopt and its delete registered on the operation's saga. An outbound Retell or ElevenLabs number
 * needs the digest password: `credential` is the one the same operation just made (domain/line-plans.ts).
 */
export async function addNumberOnPlatform(
  saga: Saga,
  line: LineOnPlatform,
  did: string,
  { exotel, credential }: { exotel: { accountSid: string; edge: SipEdge | null }; credential?: { userName: string; password: string } },
): Promise<PlatformObject[]> {
  const { provider, account, objects } = line.platform;
  const base = { account, customerId: line.customerId, dids: [did] };
  if (provider === 'bolna') {
    const trunk = objects.find((o) => o.kind === 'bolna-trunk');
    if (!trunk) throw ApplicationFailure.nonRetryable('the line records no Bolna trunk', FailureTypes.configuration);
    const { platform } = platformFor('bolna');
    return ensureParts(saga, {
      provider,
      account,
      container: trunk,
      read: () => platform.bolnaGetTrunk({ account, id: trunk.id }),
      parts: [bolnaNumberPart({ account, trunkId: trunk.id, did })],
    });
  }
  if (provider !== 'retell' && provider !== 'elevenlabs') throw ApplicationFailure.nonRetryable(`${PLATFORM_NAMES[provider]} numbers are not changed by DID changes here`, FailureTypes.configuration);
  const agent = await siblingAgent(provider, account, objects, line.direction);
  const edge = line.direction === 'outbound' || provider === 'retell' ? edgeOf(exotel, provider, 'needs the edge for the new number') : undefined;
  if (line.direction === 'outbound') {
    if (!credential || !edge) throw ApplicationFailure.nonRetryable(`${PLATFORM_NAMES[provider]} takes an outbound number only with the digest password: no new credential was made`, FailureTypes.configuration);
    return ensureNumbers(saga, provider, base, { direction: 'outbound', edge, userName: credential.userName, password: credential.password, ...agent });
  }
  return ensureNumbers(saga, provider, base, { direction: 'inbound', transport: parsedTransport(line.destinations[0]), ...(edge ? { edge } : {}), ...agent });
}

/** The agent one of the line's numbers has for its direction, so a new number answers (or calls) the same way. */
async function siblingAgent(provider: NumberProvider, account: string, objects: PlatformObject[], direction: Direction): Promise<{ agentId?: string }> {
  const sibling = objects.find((o) => o.kind === NUMBER_KIND[provider]);
  if (!sibling) return {};
  const { platform } = platformFor(provider);
  if (provider === 'retell') {
    const n = await platform.retellGetNumber({ account, phoneNumber: sibling.id });
    const agentId = (direction === 'outbound' ? n?.outboundAgentIds : n?.inboundAgentIds)?.[0];
    return agentId ? { agentId } : {};
  }
  const agentId = (await platform.elevenlabsGetNumber({ account, id: sibling.id }))?.agentId;
  return agentId ? { agentId } : {};
}

/**
 * A DID removed from a line, on the platform too, after Exotel unmapped it: deleted there when this project made it
 * (a number the other direction made stays). Bolna's number is put back by a rollback; Retell's and ElevenLabs' carry
 * a password, so a rollback says to add the DID again instead. Returns what it did, for the report.
 */
export async function removeNumberOnPlatform(saga: Saga, step: string, line: LineOnPlatform & { platform: { objects: (PlatformObject & { mayDelete?: boolean })[] } }, did: string): Promise<{ removed: string[]; kept: string[] }> {
  const { provider, account, objects } = line.platform;
  const { platform } = platformFor(provider);
  const platformName = PLATFORM_NAMES[provider];
  let found: (PlatformObject & { mayDelete?: boolean }) | undefined;
  if (provider === 'bolna') found = objects.find((o) => o.kind === 'bolna-number' && o.name === did);
  else if (provider === 'retell') found = objects.find((o) => o.kind === 'retell-phone-number' && o.id === did);
  else if (provider === 'elevenlabs') {
    const held = await platform.elevenlabsFindNumber({ account, phoneNumber: did });
    found = held ? objects.find((o) => o.kind === 'elevenlabs-phone-number' && o.id === held.phoneNumberId) : undefined;
  }
  if (!found) return { removed: [], kept: [`${platformName} holds no number ${did} of this line`] };
  if (found.mayDelete === false) return { removed: [], kept: [`${platformName} number ${did} stays: the customer's other direction made it`] };
  const object = found;
  saga.register(step, `platform-number-removed:${did}`, async () => {
    if (object.kind !== 'bolna-number') return `not put back: ${platformName} number ${did} was deleted, and takes a password this project does not keep: add-dids ${did} imports it again`;
    const [trunkId = ''] = object.id.split('/');
    const { undoPlatform } = platformFor('bolna');
    await undoPlatform.bolnaAddNumber({ account, trunkId, e164: did, destinationKey: did.replace(/^\+/, '') });
    return `Bolna trunk ${trunkId} holds ${did} again`;
  });
  await removePlatformObject(provider, account, object);
  return { removed: [object.id], kept: [] };
}
