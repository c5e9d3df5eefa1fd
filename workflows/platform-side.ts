// The voice-AI platform's side of a setup, as saga steps beside Exotel's: whether this setup configures it by API,
// then each object made with create-or-adopt by its deterministic name and its delete registered first, and the
// cross-check of both sides. A failure on either side rolls back both, newest first (the one saga).
import { ApplicationFailure, patched } from '@temporalio/workflow';
import { FailureTypes } from '../domain/failures';
import { crossCheckInbound, crossCheckOutbound, isApiProvider, type AccountProvider, mediaEncryptionFor, platformObjectName, type CrossCheckMismatch, type PlatformAccountInfo, type PlatformObject, type PlatformObjectKind, type PlatformSideResult } from '../domain/platform-side';
import { parseDestination } from '../domain/rules';
import type { SetupBase } from '../domain/setup';
import type { SipEdge } from '../domain/setup-result';
import { local, platformFor } from './activity-profiles';
import { createOrAdopt } from './create-or-adopt';
import { conflict } from './failures';
import { PATCHES } from './patches';
import type { Saga } from './saga';

export type PlatformSideDecision = { mode: 'manual'; reason?: string } | { mode: 'api'; account: PlatformAccountInfo };

/**
 * `api` where the platform has one here and the worker has an account for it, unless the setup asks for `manual`.
 * Asked for `api` explicitly, a missing account is a configuration failure rather than a quiet sheet.
 */
export async function decidePlatformSide(input: SetupBase): Promise<PlatformSideDecision> {
  if (input.providerSide === 'manual') return { mode: 'manual', reason: 'providerSide manual was asked for' };
  const { provider } = input;
  if (!isApiProvider(provider)) return { mode: 'manual' };
  // Setups begun before platform sides by API stay manual.
  if (!patched(PATCHES.platformSideByApi)) return { mode: 'manual' };
  const account = await local.describePlatformAccount({ provider, ...(input.platformAccount ? { name: input.platformAccount } : {}) });
  if (account) return { mode: 'api', account };
  const missing = `no ${provider} account${input.platformAccount ? ` named ${input.platformAccount}` : ''} is configured on the worker (VOICE_AI_ACCOUNTS)`;
  if (input.providerSide === 'api') throw ApplicationFailure.nonRetryable(`providerSide api: ${missing}`, FailureTypes.configuration);
  return { mode: 'manual', reason: `${missing}: follow the handoff sheet` };
}

export const manualSide = (decision: PlatformSideDecision & { mode: 'manual' }): PlatformSideResult => ({
  mode: 'manual',
  ...(decision.reason ? { reason: decision.reason } : {}),
  objects: [],
});

/** What the line manages from then on: the platform's objects, when this setup made them. */
export function platformOfLine(side: PlatformSideResult | undefined): { platform?: { provider: AccountProvider; account: string; objects: PlatformObject[] } } {
  return side?.mode === 'api' && side.provider && side.account ? { platform: { provider: side.provider, account: side.account, objects: side.objects } } : {};
}

/**
 * One platform object by its deterministic name: refused when the platform already holds one of that name this run
 * did not make (not ours to take), its delete registered before the create, looked up before another attempt
 * (LiveKit takes a second outbound trunk of a name, and a lost answer's inbound trunk refuses a second one).
 */
async function ensureOnPlatform(
  saga: Saga,
  o: {
    kind: PlatformObjectKind;
    customerId: string;
    /** In messages: `an outbound trunk`. */
    what: string;
    find: (name: string, requests: PlatformRequests) => Promise<{ id: string } | null>;
    create: (name: string) => Promise<{ id: string }>;
    /** False when it was gone already. */
    remove: (id: string) => Promise<boolean>;
  },
): Promise<PlatformObject> {
  const { platform, undoPlatform } = platformFor('livekit');
  const name = platformObjectName(o.kind, o.customerId);
  const taken = await o.find(name, platform);
  if (taken) throw conflict(`LiveKit already has ${o.what} named ${name} (${taken.id}) that this setup did not make: delete it there, or set the customer up with providerSide manual`);
  const { value } = await createOrAdopt({
    saga,
    step: STEP_OF[o.kind],
    key: `${o.kind}:${name}`,
    create: () => o.create(name),
    find: () => o.find(name, platform),
    findBeforeRetry: true,
    undo: async (known) => {
      const id = known?.id ?? (await o.find(name, undoPlatform))?.id;
      if (!id) return null;
      return (await o.remove(id)) ? `deleted LiveKit ${o.what.replace(/^an? /, '')} ${id} (${name})` : null;
    },
  });
  return { kind: o.kind, id: value.id, name };
}

type PlatformRequests = ReturnType<typeof platformFor>['platform'];

const STEP_OF: Record<PlatformObjectKind, string> = {
  'livekit-outbound-trunk': 'platform-outbound-trunk',
  'livekit-inbound-trunk': 'platform-inbound-trunk',
  'livekit-dispatch-rule': 'platform-dispatch-rule',
};

/** Outbound: LiveKit dials Exotel's edge as the digest user, with the customer's numbers as caller ids. */
export function ensureLiveKitOutboundTrunk(
  saga: Saga,
  { account, customerId, dids, edge, userName, password }: { account: string; customerId: string; dids: string[]; edge: SipEdge; userName: string; password: string },
): Promise<PlatformObject> {
  const { platformOnce, undoPlatform } = platformFor('livekit');
  return ensureOnPlatform(saga, {
    kind: 'livekit-outbound-trunk',
    customerId,
    what: 'an outbound trunk',
    find: (name, requests) => requests.livekitFindOutboundTrunk({ account, name }),
    create: (name) =>
      platformOnce.livekitCreateOutboundTrunk({
        account,
        name,
        address: `${edge.host}:${edge.port}`,
        transport: edge.transport,
        numbers: dids,
        authUsername: userName,
        authPassword: password,
        mediaEncryption: mediaEncryptionFor(edge.transport),
      }),
    remove: async (id) => {
      await undoPlatform.livekitDeleteTrunk({ account, id });
      return true;
    },
  });
}

/** Inbound: LiveKit accepts the customer's numbers (before Exotel sends it anything). */
export function ensureLiveKitInboundTrunk(
  saga: Saga,
  { account, customerId, dids, transport }: { account: string; customerId: string; dids: string[]; transport: 'tls' | 'tcp' },
): Promise<PlatformObject> {
  const { platformOnce, undoPlatform } = platformFor('livekit');
  return ensureOnPlatform(saga, {
    kind: 'livekit-inbound-trunk',
    customerId,
    what: 'an inbound trunk',
    find: (name, requests) => requests.livekitFindInboundTrunk({ account, name }),
    create: (name) => platformOnce.livekitCreateInboundTrunk({ account, name, numbers: dids, mediaEncryption: mediaEncryptionFor(transport) }),
    remove: async (id) => {
      await undoPlatform.livekitDeleteTrunk({ account, id });
      return true;
    },
  });
}

/** A room per call for the inbound trunk's calls, with the agent dispatched into it when the setup names one. */
export function ensureLiveKitDispatchRule(
  saga: Saga,
  { account, customerId, trunkId, agentName }: { account: string; customerId: string; trunkId: string; agentName?: string },
): Promise<PlatformObject> {
  const { platformOnce, undoPlatform } = platformFor('livekit');
  return ensureOnPlatform(saga, {
    kind: 'livekit-dispatch-rule',
    customerId,
    what: 'a dispatch rule',
    find: (name, requests) => requests.livekitFindDispatchRule({ account, name }),
    create: (name) => platformOnce.livekitCreateDispatchRule({ account, name, trunkId, roomPrefix: `call-${customerId}`, ...(agentName ? { agentName } : {}) }),
    remove: (id) => undoPlatform.livekitDeleteDispatchRule({ account, id }),
  });
}

/** Both sides read back and compared; any mismatch fails the step (so ops decide, and a rollback undoes both). */
export async function crossCheckOutboundSide(account: string, trunk: PlatformObject, exotel: { edge: SipEdge; userName: string; dids: string[] }): Promise<void> {
  const { platform } = platformFor('livekit');
  failOnMismatch(crossCheckOutbound(exotel, await platform.livekitReadOutboundTrunk({ account, id: trunk.id })));
}

export async function crossCheckInboundSide(account: PlatformAccountInfo, objects: { trunk: PlatformObject; rule: PlatformObject }, exotel: { dids: string[]; destinations: string[] }): Promise<void> {
  const { platform } = platformFor('livekit');
  const trunk = await platform.livekitReadInboundTrunk({ account: account.name, id: objects.trunk.id });
  const rule = await platform.livekitReadDispatchRule({ account: account.name, id: objects.rule.id });
  // Validated before the setup began: each parses.
  const destinations = exotel.destinations.flatMap((d) => {
    const parsed = parseDestination(d);
    return typeof parsed === 'string' ? [] : [parsed];
  });
  failOnMismatch(crossCheckInbound({ dids: exotel.dids, destinations }, { trunk, rule }, account.sipHost));
}

function failOnMismatch(mismatches: CrossCheckMismatch[]): void {
  if (mismatches.length === 0) return;
  throw ApplicationFailure.nonRetryable(`Exotel and the platform disagree: ${mismatches.map((m) => m.detail).join('; ')}`, FailureTypes.crossCheckMismatch, mismatches);
}
