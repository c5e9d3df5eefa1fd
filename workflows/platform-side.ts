// The voice-AI platform's side of a setup, as saga steps beside Exotel's: whether this setup configures it by API,
// then each object made with create-or-adopt by its deterministic key and its delete registered first, and the
// cross-check of both sides. A failure on either side rolls back both, newest first (the one saga). LiveKit gets a
// trunk per direction (and a dispatch rule); Retell and ElevenLabs get each number, which serves both directions:
// a setup finding its customer's number there already changes only what its direction needs, and puts that back
// on rollback.
import { ApplicationFailure, patched } from '@temporalio/workflow';
import { FailureTypes } from '../domain/failures';
import {
  crossCheckInbound,
  crossCheckNumbersInbound,
  crossCheckNumbersOutbound,
  crossCheckOutbound,
  isApiProvider,
  isEdge,
  mediaEncryptionFor,
  mediaSuits,
  PLATFORM_NAMES,
  platformObjectName,
  type AccountProvider,
  type ApiProvider,
  type CrossCheckMismatch,
  type NumberProvider,
  type PlatformAccountInfo,
  type PlatformNumberView,
  type PlatformObject,
  type PlatformObjectKind,
  type PlatformSideResult,
  type PlatformSipHost,
} from '../domain/platform-side';
import { PROVIDERS } from '../domain/providers/catalog';
import { fieldValues, fill, pick } from '../domain/providers/resolve';
import { parseDestination } from '../domain/rules';
import { didsOf, type Direction, type InboundSetupInput, type OutboundSetupInput, type SetupBase } from '../domain/setup';
import type { SipEdge } from '../domain/setup-result';
import { local, platformFor } from './activity-profiles';
import { createOrAdopt } from './create-or-adopt';
import { conflict } from './failures';
import type { OpsGate } from './ops-gate';
import { PATCHES } from './patches';
import type { SetupProgress } from './progress';
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

/** The saga step of each kind: a number is one step in either direction. */
const STEP_OF: Record<PlatformObjectKind, string> = {
  'livekit-outbound-trunk': 'platform-outbound-trunk',
  'livekit-inbound-trunk': 'platform-inbound-trunk',
  'livekit-dispatch-rule': 'platform-dispatch-rule',
  'retell-phone-number': 'platform-number',
  'elevenlabs-phone-number': 'platform-number',
};

/** The platform's steps of each direction, in order, for the setup to list (addSteps) before it runs them. */
const PLATFORM_STEPS: Record<ApiProvider, Record<Direction, PlatformObjectKind[]>> = {
  livekit: { outbound: ['livekit-outbound-trunk'], inbound: ['livekit-inbound-trunk', 'livekit-dispatch-rule'] },
  retell: { outbound: ['retell-phone-number'], inbound: ['retell-phone-number'] },
  elevenlabs: { outbound: ['elevenlabs-phone-number'], inbound: ['elevenlabs-phone-number'] },
};

export const platformSteps = (provider: ApiProvider, direction: Direction): string[] => PLATFORM_STEPS[provider][direction].map((k) => STEP_OF[k]);

/** What a step shows in the status: the ids it made or took over (never a secret). */
const RESOURCE_OF: Record<PlatformObjectKind, { key: string; list: boolean }> = {
  'livekit-outbound-trunk': { key: 'livekitTrunkId', list: false },
  'livekit-inbound-trunk': { key: 'livekitTrunkId', list: false },
  'livekit-dispatch-rule': { key: 'livekitDispatchRuleId', list: false },
  'retell-phone-number': { key: 'retellNumbers', list: true },
  'elevenlabs-phone-number': { key: 'elevenlabsPhoneNumberIds', list: true },
};

/** Runs one of the platform's steps through the ops gate, recording what it made in the status. */
export type PlatformStepRunner<I> = (step: string, body: (asked: I) => Promise<PlatformObject[]>) => Promise<PlatformObject[]>;

export function platformStepRunner<I>({ ops, progress }: { ops: OpsGate<I>; progress: SetupProgress }): PlatformStepRunner<I> {
  return (step, body) =>
    ops.step(step, async (asked) => {
      const made = await body(asked);
      const resource: Record<string, string | string[]> = {};
      for (const o of made) {
        const { key, list } = RESOURCE_OF[o.kind];
        const ids = resource[key];
        resource[key] = list ? [...(Array.isArray(ids) ? ids : []), o.id] : o.id;
      }
      progress.record(step, resource);
      return made;
    });
}

/** Exotel's edge, which the platform dials (and Retell keeps as a number's termination URI even for inbound). */
function edgeOf(exotel: { accountSid: string; edge: SipEdge | null }, provider: ApiProvider, why: string): SipEdge {
  if (exotel.edge) return exotel.edge;
  throw ApplicationFailure.nonRetryable(`Exotel account ${exotel.accountSid} has no sipEdge configured: ${PLATFORM_NAMES[provider]} ${why}`, FailureTypes.configuration);
}

/** Outbound (the platform dials Exotel's edge as the digest user): its one step, run through `step`. */
export async function ensureOutboundOnPlatform(
  saga: Saga,
  step: PlatformStepRunner<OutboundSetupInput>,
  account: PlatformAccountInfo,
  { exotel, userName, password }: { exotel: { accountSid: string; edge: SipEdge | null }; userName: string; password: string },
): Promise<PlatformObject[]> {
  const { provider } = account;
  return step(platformSteps(provider, 'outbound')[0] ?? '', async (asked) => {
    const edge = edgeOf(exotel, provider, 'needs the address to dial');
    const base = { account: account.name, customerId: asked.customerId, dids: didsOf(asked) };
    if (provider === 'livekit') return [await ensureLiveKitOutboundTrunk(saga, { ...base, edge, userName, password })];
    return ensureNumbers(saga, provider, base, { direction: 'outbound', edge, userName, password, ...agentOf(asked) });
  });
}

/** Inbound (the platform takes the numbers before Exotel sends it a call): its steps, each run through `step`. */
export async function ensureInboundOnPlatform(
  saga: Saga,
  step: PlatformStepRunner<InboundSetupInput>,
  account: PlatformAccountInfo,
  { exotel }: { exotel: { accountSid: string; edge: SipEdge | null } },
): Promise<PlatformObject[]> {
  const { provider } = account;
  const [first = '', second = ''] = platformSteps(provider, 'inbound');
  const base = (asked: InboundSetupInput) => ({ account: account.name, customerId: asked.customerId, dids: didsOf(asked) });
  if (provider !== 'livekit') {
    return step(first, async (asked) => {
      // Retell refuses a number without a termination URI, even for inbound only (the retell profile's sheet).
      const edge = provider === 'retell' ? edgeOf(exotel, provider, 'takes a number only with a termination URI, the edge, even for inbound') : undefined;
      return ensureNumbers(saga, provider, base(asked), { direction: 'inbound', transport: parsedTransport(asked.destinations[0]), ...(edge ? { edge } : {}), ...agentOf(asked) });
    });
  }
  const [trunk] = await step(first, async (asked) => [await ensureLiveKitInboundTrunk(saga, { ...base(asked), transport: parsedTransport(asked.destinations[0]) })]);
  const [rule] = await step(second, async (asked) => {
    const agentName = asked.providerFields?.agentName;
    return [await ensureLiveKitDispatchRule(saga, { account: account.name, customerId: asked.customerId, trunkId: trunk?.id ?? '', ...(agentName ? { agentName } : {}) })];
  });
  return [trunk, rule].filter((o): o is PlatformObject => o !== undefined);
}

/** The transport Exotel will use to reach the platform: its media encryption must suit it. */
function parsedTransport(destination: string | undefined): 'tls' | 'tcp' {
  const parsed = parseDestination(destination ?? '');
  return typeof parsed === 'string' ? 'tls' : parsed.transport;
}

/** An object as ensureOnPlatform handles it: the platform's id, and the name it holds it under where it says one. */
type Found = { id: string; name?: string | null };

interface OnPlatform<V extends Found> {
  provider: ApiProvider;
  kind: PlatformObjectKind;
  customerId: string;
  /** The deterministic key, when it is not the name. */
  key?: string;
  /** In messages: `an outbound trunk`, `number +91…`. */
  what: string;
  /** By the deterministic key; `name` is the one this setup gives. */
  find: (requests: PlatformRequests, name: string) => Promise<V | null>;
  create: (name: string) => Promise<V>;
  /** False when it was gone already. */
  remove: (id: string) => Promise<boolean>;
  /** Changes what this direction needs on one of this setup's name found there, undoing only that on rollback. */
  adopt?: (found: V) => Promise<void>;
}

/** The keys (kind:key) of the objects this saga's run made, so a step retried after an operator's decision takes its own. */
const madeByRun = new WeakMap<Saga, Set<string>>();

/**
 * One platform object by its deterministic key (LiveKit: its name; Retell and ElevenLabs: the number): refused when
 * the platform already holds one this run did not make (not ours to take), unless it is of this setup's name and
 * the kind can be taken over (`adopt`: a number the customer's other direction imported); otherwise its delete
 * registered before the create, looked up before another attempt (LiveKit takes a second outbound trunk of a name,
 * a lost answer's inbound trunk refuses a second one, and a lost import makes the retry's a duplicate).
 */
async function ensureOnPlatform<V extends Found>(saga: Saga, o: OnPlatform<V>): Promise<PlatformObject> {
  const { platform, undoPlatform } = platformFor(o.provider);
  const platformName = PLATFORM_NAMES[o.provider];
  const name = platformObjectName(o.kind, o.customerId);
  const key = o.key ?? name;
  const sagaKey = `${o.kind}:${key}`;
  const ours = (found: V | null) => (found && (found.name === undefined || found.name === name) ? found : null);
  const made = madeByRun.get(saga) ?? new Set<string>();
  madeByRun.set(saga, made);
  const taken = await o.find(platform, name);
  if (taken && o.adopt && ours(taken)) {
    if (made.has(sagaKey)) return { kind: o.kind, id: taken.id, name };
    await o.adopt(taken);
    return { kind: o.kind, id: taken.id, name, origin: 'pre-existing', mayDelete: false };
  }
  if (taken) {
    const held = taken.name === undefined || taken.name === name ? `named ${name}` : taken.name ? `named ${taken.name}` : 'without a name';
    throw conflict(`${platformName} already has ${o.what} ${held} (${taken.id}) that this setup did not make: delete it there, or set the customer up with providerSide manual`);
  }
  const { value } = await createOrAdopt({
    saga,
    step: STEP_OF[o.kind],
    key: sagaKey,
    create: () => o.create(name),
    find: async () => ours(await o.find(platform, name)),
    findBeforeRetry: true,
    undo: async (known) => {
      const id = known?.id ?? ours(await o.find(undoPlatform, name))?.id;
      if (!id) return null;
      return (await o.remove(id)) ? `deleted ${platformName} ${o.what.replace(/^an? /, '')}${id === key ? '' : ` ${id}`} (${name})` : null;
    },
  });
  made.add(sagaKey);
  return { kind: o.kind, id: value.id, name };
}

type PlatformRequests = ReturnType<typeof platformFor>['platform'];

/** Outbound: LiveKit dials Exotel's edge as the digest user, with the customer's numbers as caller ids. */
export function ensureLiveKitOutboundTrunk(
  saga: Saga,
  { account, customerId, dids, edge, userName, password }: { account: string; customerId: string; dids: string[]; edge: SipEdge; userName: string; password: string },
): Promise<PlatformObject> {
  const { platformOnce, undoPlatform } = platformFor('livekit');
  return ensureOnPlatform(saga, {
    provider: 'livekit',
    kind: 'livekit-outbound-trunk',
    customerId,
    what: 'an outbound trunk',
    find: (requests, name) => requests.livekitFindOutboundTrunk({ account, name }),
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
    provider: 'livekit',
    kind: 'livekit-inbound-trunk',
    customerId,
    what: 'an inbound trunk',
    find: (requests, name) => requests.livekitFindInboundTrunk({ account, name }),
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
    provider: 'livekit',
    kind: 'livekit-dispatch-rule',
    customerId,
    what: 'a dispatch rule',
    find: (requests, name) => requests.livekitFindDispatchRule({ account, name }),
    create: (name) => platformOnce.livekitCreateDispatchRule({ account, name, trunkId, roomPrefix: `call-${customerId}`, ...(agentName ? { agentName } : {}) }),
    remove: (id) => undoPlatform.livekitDeleteDispatchRule({ account, id }),
  });
}

/** What a direction needs of each number; `agentId` (the profile's field, when given) is bound to its direction. */
type NumberWants = { agentId?: string } & (
  | { direction: 'outbound'; edge: SipEdge; userName: string; password: string }
  | { direction: 'inbound'; transport: 'tls' | 'tcp'; edge?: SipEdge }
);

const agentOf = (asked: { providerFields?: Record<string, string> }): { agentId?: string } => (asked.providerFields?.agentId ? { agentId: asked.providerFields.agentId } : {});

/** Each DID as a number of the platform, one after another, every one with its own create-or-adopt. */
async function ensureNumbers(saga: Saga, provider: NumberProvider, { account, customerId, dids }: { account: string; customerId: string; dids: string[] }, wants: NumberWants): Promise<PlatformObject[]> {
  const made: PlatformObject[] = [];
  for (const did of dids) made.push(await (provider === 'retell' ? ensureRetellNumber : ensureElevenLabsNumber)(saga, { account, customerId, did }, wants));
  return made;
}

type NumberAt = { account: string; customerId: string; did: string };

const NUMBER_KIND: Record<NumberProvider, PlatformObjectKind> = { retell: 'retell-phone-number', elevenlabs: 'elevenlabs-phone-number' };

/** A number on the platform by its E.164 key, with the platform's own requests. */
function ensureNumber<V extends Found>(saga: Saga, provider: NumberProvider, { customerId, did }: NumberAt, handlers: Pick<OnPlatform<V>, 'find' | 'create' | 'remove' | 'adopt'>): Promise<PlatformObject> {
  return ensureOnPlatform(saga, { provider, kind: NUMBER_KIND[provider], customerId, key: did, what: `number ${did}`, ...handlers });
}

/** Where a change to a found number registers its restore, and how the rollback names the number. */
function restoreAt(saga: Saga, provider: NumberProvider, did: string): RestoreAt {
  const kind = NUMBER_KIND[provider];
  return { saga, step: STEP_OF[kind], key: `${kind}:${did}`, what: `${PLATFORM_NAMES[provider]} number ${did}` };
}

type RetellView = NonNullable<Awaited<ReturnType<PlatformRequests['retellGetNumber']>>>;
type ElevenLabsView = NonNullable<Awaited<ReturnType<PlatformRequests['elevenlabsGetNumber']>>>;
type RestoreAt = { saga: Saga; step: string; key: string; what: string };

/** Retell keys numbers by the number: its id here. */
const retellObject = (n: RetellView) => ({ ...n, id: n.phoneNumber, name: n.nickname });

/**
 * Retell: the number imported with Exotel's edge as its termination URI in the edge's transport (required even for
 * inbound), with Exotel's digest user and password for outbound. Found of this setup's name, outbound changes what
 * differs (and the password, which Retell never shows); inbound has nothing to change (no agent to bind).
 */
function ensureRetellNumber(saga: Saga, number: NumberAt, wants: NumberWants): Promise<PlatformObject> {
  const { account, did: phoneNumber } = number;
  const { platform, platformOnce, undoPlatform } = platformFor('retell');
  const at = restoreAt(saga, 'retell', phoneNumber);
  return ensureNumber(saga, 'retell', number, {
    find: async (requests) => {
      const found = await requests.retellGetNumber({ account, phoneNumber });
      return found && retellObject(found);
    },
    create: async (nickname) => {
      const { edge } = wants;
      // ensureInboundOnPlatform gives Retell the edge, or fails before.
      if (!edge) throw ApplicationFailure.nonRetryable('Retell needs a termination URI', FailureTypes.configuration);
      const auth = wants.direction === 'outbound' ? { authUsername: wants.userName, authPassword: wants.password } : {};
      const agent = wants.agentId ? (wants.direction === 'inbound' ? { inboundAgentId: wants.agentId } : { outboundAgentId: wants.agentId }) : {};
      return retellObject(await platformOnce.retellImportNumber({ account, phoneNumber, edge, transport: edge.transport, ...auth, ...agent, nickname }));
    },
    remove: (id) => undoPlatform.retellDeleteNumber({ account, phoneNumber: id }),
    adopt: async (found) => {
      if (wants.direction === 'inbound') {
        // The outbound setup imported it: inbound binds its agent, and a rollback binds the one it had (or none).
        const { agentId } = wants;
        if (!agentId || found.inboundAgentIds.includes(agentId)) return;
        const previous = found.inboundAgentIds[0] ?? null;
        await changeFound(at, {
          restored: ['its inbound agent'],
          stays: [],
          restore: () => undoPlatform.retellUpdateNumber({ account, phoneNumber, inboundAgentId: previous }),
          change: () => platform.retellUpdateNumber({ account, phoneNumber, inboundAgentId: agentId }),
        });
        return;
      }
      const { edge, userName, password } = wants;
      const before: { terminationUri?: string; transport?: 'tls' | 'tcp'; authUsername?: string } = {};
      const stays = ["its SIP password (Retell never shows the one it had; Exotel's credential goes with this rollback)"];
      const change: { edge?: SipEdge; transport?: 'tls' | 'tcp'; authUsername?: string; authPassword: string } = { authPassword: password };
      if (!isEdge(found.terminationUri, edge)) {
        change.edge = edge;
        if (found.terminationUri !== null) before.terminationUri = found.terminationUri;
      }
      if (found.transport !== edge.transport) {
        change.transport = edge.transport;
        const had = transportOf(found.transport);
        if (had) before.transport = had;
        else stays.push(`its transport (it was ${found.transport}, which the client does not send)`);
      }
      if (found.authUsername !== userName) {
        change.authUsername = userName;
        if (found.authUsername !== null) before.authUsername = found.authUsername;
        else stays.push('its auth user name (it had none, and Retell cannot clear one)');
      }
      const field = { terminationUri: 'its termination URI', transport: 'its transport', authUsername: 'its auth user name' } as const;
      const restored = (Object.keys(before) as (keyof typeof before)[]).map((k) => field[k]);
      await changeFound(at, {
        restored,
        stays,
        restore: restored.length > 0 ? () => undoPlatform.retellUpdateNumber({ account, phoneNumber, ...before }) : null,
        change: () => platform.retellUpdateNumber({ account, phoneNumber, ...change }),
      });
    },
  });
}

/** A transport read back, as the clients send one (`udp`, `auto` they do not). */
const transportOf = (t: string): 'tls' | 'tcp' | null => (t === 'tls' || t === 'tcp' ? t : null);

const elevenLabsObject = (n: ElevenLabsView) => ({ ...n, id: n.phoneNumberId, name: n.label });

/**
 * ElevenLabs: a `sip_trunk` number, with an outbound trunk to Exotel's edge (media encryption allowed on TLS, the
 * digest user and password) or an inbound trunk with media encryption suited to the destination's transport. Found
 * of this setup's name, outbound replaces the outbound trunk (the password cannot be compared); inbound replaces
 * the inbound trunk only when it has none or its media encryption does not suit the transport. A PATCH replaces a
 * trunk whole, and the client sends neither allowed addresses nor numbers: this setup never sets them either.
 */
function ensureElevenLabsNumber(saga: Saga, number: NumberAt, wants: NumberWants): Promise<PlatformObject> {
  const { account, did: phoneNumber } = number;
  const { platform, platformOnce, undoPlatform } = platformFor('elevenlabs');
  const at = restoreAt(saga, 'elevenlabs', phoneNumber);
  const outbound = (edge: SipEdge, username: string) => ({ address: `${edge.host}:${edge.port}`, transport: edge.transport, mediaEncryption: mediaEncryptionFor(edge.transport), username });
  return ensureNumber(saga, 'elevenlabs', number, {
    find: async (requests) => {
      const found = await requests.elevenlabsFindNumber({ account, phoneNumber });
      return found && elevenLabsObject(found);
    },
    create: async (label) =>
      elevenLabsObject(
        await platformOnce.elevenlabsImportNumber({
          account,
          phoneNumber,
          label,
          // The number's one agent, for both directions (agentId in the import body [C]).
          ...(wants.agentId ? { agentId: wants.agentId } : {}),
          ...(wants.direction === 'outbound'
            ? { outbound: { ...outbound(wants.edge, wants.userName), password: wants.password } }
            : { inbound: { mediaEncryption: mediaEncryptionFor(wants.transport) } }),
        }),
      ),
    remove: (id) => undoPlatform.elevenlabsDeleteNumber({ account, id }),
    adopt: async (found) => {
      const id = found.phoneNumberId;
      if (wants.direction === 'outbound') {
        const had = found.outbound;
        const hadTransport = had && transportOf(had.transport);
        const restorable = had && hadTransport && had.username !== null ? { address: had.address, transport: hadTransport, mediaEncryption: had.mediaEncryption, username: had.username } : null;
        await changeFound(at, {
          restored: restorable ? ['its outbound trunk'] : [],
          stays: [
            restorable
              ? "its SIP password (ElevenLabs never shows the one it had; Exotel's credential goes with this rollback)"
              : had
                ? `its outbound trunk (the one it had, ${had.transport} without credentials, is not one the client sends)`
                : 'its lack of an outbound trunk (ElevenLabs cannot take one off a number)',
          ],
          restore: restorable
            ? () => undoPlatform.elevenlabsUpdateNumber({ account, id, outbound: restorable })
            : null,
          change: () => platform.elevenlabsUpdateNumber({ account, id, outbound: { ...outbound(wants.edge, wants.userName), password: wants.password } }),
        });
        return;
      }
      const had = found.inbound;
      if (had && mediaSuits(wants.transport, had.mediaEncryption)) return;
      const username = had?.username ? { username: had.username } : {};
      await changeFound(at, {
        restored: [had ? 'its inbound trunk' : "its inbound trunk to ElevenLabs' defaults (media encryption allowed)"],
        stays: had ? [] : ['its lack of an inbound trunk (ElevenLabs cannot take one off a number)'],
        restore: () => undoPlatform.elevenlabsUpdateNumber({ account, id, inbound: { mediaEncryption: had?.mediaEncryption ?? 'allow', ...username } }),
        change: () => platform.elevenlabsUpdateNumber({ account, id, inbound: { mediaEncryption: mediaEncryptionFor(wants.transport), ...username } }),
      });
    },
  });
}

/**
 * Changes fields of an object this setup found (did not make): the restore of what it read before is registered
 * first, so a rollback puts back exactly what this run changed, and says what the platform cannot put back.
 */
async function changeFound(at: RestoreAt, o: { restored: string[]; stays: string[]; restore: (() => Promise<unknown>) | null; change: () => Promise<unknown> }): Promise<void> {
  at.saga.register(at.step, `${at.key}:restore`, async () => {
    if (o.restore) await o.restore();
    const done = o.restore ? `${at.what}: restored ${o.restored.join(', ')}` : `${at.what}: left in place`;
    return o.stays.length > 0 ? `${done}; not put back: ${o.stays.join('; ')}` : done;
  });
  await o.change();
}

/** Both sides read back and compared; any mismatch fails the step (so ops decide, and a rollback undoes both). */
export async function crossCheckOutboundSide(account: PlatformAccountInfo, objects: PlatformObject[], exotel: { edge: SipEdge; userName: string; dids: string[] }): Promise<void> {
  failOnMismatch(await outboundMismatches(account, objects, exotel));
}

export async function crossCheckInboundSide(account: PlatformAccountInfo, objects: PlatformObject[], exotel: Pick<InboundSetupInput, 'did' | 'dids' | 'destinations' | 'providerFields'>): Promise<void> {
  failOnMismatch(await inboundMismatches(account, objects, { dids: didsOf(exotel), destinations: exotel.destinations }, { fields: exotel.providerFields }));
}

/** What the platform's objects, read back now, disagree on with Exotel's outbound side (a setup's check, a drift scan's). */
export async function outboundMismatches(account: PlatformAccountInfo, objects: PlatformObject[], exotel: { edge: SipEdge; userName: string; dids: string[] }): Promise<CrossCheckMismatch[]> {
  if (account.provider === 'livekit') {
    const { platform } = platformFor('livekit');
    const trunk = objects.find((o) => o.kind === 'livekit-outbound-trunk');
    return crossCheckOutbound(exotel, trunk ? await platform.livekitReadOutboundTrunk({ account: account.name, id: trunk.id }) : null);
  }
  return crossCheckNumbersOutbound(account.provider, exotel, await readNumbers(account.provider, account.name, objects));
}

/**
 * The same for the inbound side. Where the platform's SIP host comes from the setup's provider fields (Retell,
 * ElevenLabs) and they are not known (a drift scan has the line's record only), `fields: null` leaves the host out.
 */
export async function inboundMismatches(
  account: PlatformAccountInfo,
  objects: PlatformObject[],
  exotel: { dids: string[]; destinations: string[] },
  { fields }: { fields: Record<string, string> | undefined | null },
): Promise<CrossCheckMismatch[]> {
  // Validated when they were given: each parses.
  const destinations = exotel.destinations.flatMap((d) => {
    const parsed = parseDestination(d);
    return typeof parsed === 'string' ? [] : [parsed];
  });
  const { dids } = exotel;
  if (account.provider === 'livekit') {
    const { platform } = platformFor('livekit');
    const [trunkObject, ruleObject] = [objects.find((o) => o.kind === 'livekit-inbound-trunk'), objects.find((o) => o.kind === 'livekit-dispatch-rule')];
    const trunk = trunkObject ? await platform.livekitReadInboundTrunk({ account: account.name, id: trunkObject.id }) : null;
    const rule = ruleObject ? await platform.livekitReadDispatchRule({ account: account.name, id: ruleObject.id }) : null;
    return crossCheckInbound({ dids, destinations }, { trunk, rule }, account.sipHost);
  }
  const numbers = await readNumbers(account.provider, account.name, objects);
  return crossCheckNumbersInbound(account.provider, { dids, destinations }, numbers, fields === null ? undefined : documentedSipHost(account.provider, fields));
}

/** Each number read back by its id, as the cross-check compares it. */
async function readNumbers(provider: NumberProvider, account: string, objects: PlatformObject[]): Promise<PlatformNumberView[]> {
  const { platform } = platformFor(provider);
  const views: PlatformNumberView[] = [];
  for (const { id } of objects) {
    if (provider === 'retell') {
      const n = await platform.retellGetNumber({ account, phoneNumber: id });
      if (n) views.push({ number: n.phoneNumber, name: n.nickname, outbound: { address: n.terminationUri, transport: n.transport, userName: n.authUsername }, inbound: {} });
    } else {
      const n = await platform.elevenlabsGetNumber({ account, id });
      if (n) {
        views.push({
          number: n.phoneNumber,
          name: n.label,
          outbound: n.outbound && { address: n.outbound.address, transport: n.outbound.transport, userName: n.outbound.username, mediaEncryption: n.outbound.mediaEncryption },
          inbound: n.inbound && { mediaEncryption: n.inbound.mediaEncryption },
        });
      }
    }
  }
  return views;
}

/** Where the platform's profile says it takes SIP (its inbound target), for the setup's fields. */
function documentedSipHost(provider: NumberProvider, fields: Record<string, string> | undefined): PlatformSipHost | undefined {
  const profile = PROVIDERS[provider];
  const values = fieldValues(profile, fields);
  const target = profile.inbound && pick(profile.inbound.targets, values);
  return target?.kind === 'template' ? { host: fill(target.host, values), ports: target.ports } : undefined;
}

function failOnMismatch(mismatches: CrossCheckMismatch[]): void {
  if (mismatches.length === 0) return;
  throw ApplicationFailure.nonRetryable(`Exotel and the platform disagree: ${mismatches.map((m) => m.detail).join('; ')}`, FailureTypes.crossCheckMismatch, mismatches);
}
