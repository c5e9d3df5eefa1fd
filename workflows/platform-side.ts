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
  asCidr,
  crossCheckBolnaInbound,
  crossCheckBolnaOutbound,
  crossCheckDailyInbound,
  crossCheckListedNumbers,
  dailyTrunkNameOf,
  type BolnaTrunkSnapshot,
  MANUAL_DIRECTIONS,
} from '../domain/platform-side';
import { FORWARD_STEP_BUDGET_MS } from '../domain/retry-policy';
import { SIGNALLING_IPS_FIELD, signallingIpsOf } from '../domain/providers/profile';
import { PROVIDERS } from '../domain/providers/catalog';
import { fieldValues, fill, pick } from '../domain/providers/resolve';
import { parseDestination } from '../domain/rules';
import { didsOf, type Direction, type InboundSetupInput, type OutboundSetupInput, type SetupBase } from '../domain/setup';
import type { SipEdge } from '../domain/setup-result';
import { local, platformFor } from './activity-profiles';
import { createOrAdopt, waitBeforeRetry } from './create-or-adopt';
import { conflict, isRetryable } from './failures';
import type { OpsGate } from './ops-gate';
import { PATCHES } from './patches';
import type { SetupProgress } from './progress';
import type { Saga } from './saga';

export type PlatformSideDecision = { mode: 'manual'; reason?: string } | { mode: 'api'; account: PlatformAccountInfo };

/**
 * `api` where the platform has one here for this direction and the worker has an account for it, unless the setup
 * asks for `manual`. Asked for `api` explicitly, a missing account is a configuration failure rather than a quiet
 * sheet. What the platform's API needs beyond Exotel's side (platformInputProblem) is checked here too, before any
 * request.
 */
export async function decidePlatformSide(input: SetupBase, direction: Direction): Promise<PlatformSideDecision> {
  if (input.providerSide === 'manual') return { mode: 'manual', reason: 'providerSide manual was asked for' };
  const { provider } = input;
  if (!isApiProvider(provider)) return { mode: 'manual' };
  // Setups begun before platform sides by API stay manual (and so do those of the platforms added later: they
  // returned before this check, so their histories hold no marker either).
  if (!patched(PATCHES.platformSideByApi)) return { mode: 'manual' };
  const sheetOnly = MANUAL_DIRECTIONS[provider]?.[direction];
  if (sheetOnly) return { mode: 'manual', reason: sheetOnly };
  const account = await local.describePlatformAccount({ provider, ...(input.platformAccount ? { name: input.platformAccount } : {}) });
  if (account) {
    const problem = platformInputProblem(account, direction, input);
    if (problem) throw ApplicationFailure.nonRetryable(`${PLATFORM_NAMES[provider]} by API: ${problem}`, FailureTypes.inputValidation);
    return { mode: 'api', account };
  }
  const missing = `no ${provider} account${input.platformAccount ? ` named ${input.platformAccount}` : ''} is configured on the worker (VOICE_AI_ACCOUNTS)`;
  if (input.providerSide === 'api') throw ApplicationFailure.nonRetryable(`providerSide api: ${missing}`, FailureTypes.configuration);
  return { mode: 'manual', reason: `${missing}: follow the handoff sheet` };
}

/**
 * What a platform's API needs that a sheet would leave to a person: Bolna and Daily admit calls only from listed
 * sources, Daily's trunk is named by the destination host and tests its webhook at creation.
 */
function platformInputProblem(account: PlatformAccountInfo, direction: Direction, input: SetupBase): string | null {
  if (direction !== 'inbound') return null;
  const fields = input.providerFields ?? {};
  const ips = signallingIpsOf(fields);
  if (account.provider === 'bolna' && ips.length === 0) {
    return `providerFields.${SIGNALLING_IPS_FIELD} is required: Bolna answers 403 to calls from any IP not on the trunk, and Exotel publishes none (ask Exotel)`;
  }
  if (account.provider !== 'pipecat-daily') return null;
  if (!fields.webhookUrl) return "providerFields.webhookUrl is required: Daily creates a SIP trunk only with a webhook that answers its test event";
  if (ips.length === 0 && fields.openTrunk !== 'yes') return `providerFields.${SIGNALLING_IPS_FIELD} is required (or openTrunk: yes): Daily admits calls by source IP or an open trunk`;
  for (const d of (input as Partial<InboundSetupInput>).destinations ?? []) {
    const parsed = parseDestination(d);
    const named = typeof parsed === 'string' ? { problem: parsed } : dailyTrunkNameOf(parsed.host, account.domain ?? '');
    if ('problem' in named) return `destination ${d}: ${named.problem}`;
  }
  return null;
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
  // Bolna's trunk and its parts are one step: the parts hang off the trunk, each its own create-or-adopt.
  'bolna-trunk': 'platform-trunk',
  'bolna-gateway': 'platform-trunk',
  'bolna-ip-acl': 'platform-trunk',
  'bolna-number': 'platform-trunk',
  'daily-sip-trunk': 'platform-sip-trunk',
  'atoms-phone-number': 'platform-number',
};

/** The platform's steps of each direction, in order, for the setup to list (addSteps) before it runs them. */
const PLATFORM_STEPS: Record<ApiProvider, Record<Direction, PlatformObjectKind[]>> = {
  livekit: { outbound: ['livekit-outbound-trunk'], inbound: ['livekit-inbound-trunk', 'livekit-dispatch-rule'] },
  retell: { outbound: ['retell-phone-number'], inbound: ['retell-phone-number'] },
  elevenlabs: { outbound: ['elevenlabs-phone-number'], inbound: ['elevenlabs-phone-number'] },
  bolna: { outbound: ['bolna-trunk'], inbound: ['bolna-trunk'] },
  // The other directions are manual (MANUAL_DIRECTIONS): decidePlatformSide never picks api for them.
  'pipecat-daily': { outbound: [], inbound: ['daily-sip-trunk'] },
  'smallest-atoms': { outbound: ['atoms-phone-number'], inbound: [] },
};

/**
 * What a setup's cross-check cannot see on the platform, said in its result: Atoms lists an imported number [C], but
 * not its termination URL, and keeps only `host[:port]` of it (it strips `;transport=` [C]), so which transport it
 * dials Exotel's edge with is neither set nor known.
 */
export const UNVERIFIABLE: Partial<Record<ApiProvider, string>> = {
  'smallest-atoms':
    "Atoms lists the number but shows neither its termination URL nor its transport (it keeps host:port and drops ;transport=): confirm with Smallest that it dials Exotel's edge over TCP or TLS",
};

export const platformSteps = (provider: ApiProvider, direction: Direction): string[] => PLATFORM_STEPS[provider][direction].map((k) => STEP_OF[k]);

/** What a step shows in the status: the ids it made or took over (never a secret). */
const RESOURCE_OF: Record<PlatformObjectKind, { key: string; list: boolean }> = {
  'livekit-outbound-trunk': { key: 'livekitTrunkId', list: false },
  'livekit-inbound-trunk': { key: 'livekitTrunkId', list: false },
  'livekit-dispatch-rule': { key: 'livekitDispatchRuleId', list: false },
  'retell-phone-number': { key: 'retellNumbers', list: true },
  'elevenlabs-phone-number': { key: 'elevenlabsPhoneNumberIds', list: true },
  'bolna-trunk': { key: 'bolnaTrunkId', list: false },
  'bolna-gateway': { key: 'bolnaGatewayIds', list: true },
  'bolna-ip-acl': { key: 'bolnaIpAclIds', list: true },
  'bolna-number': { key: 'bolnaNumberIds', list: true },
  'daily-sip-trunk': { key: 'dailyTrunkId', list: false },
  'atoms-phone-number': { key: 'atomsNumberIds', list: true },
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
    switch (provider) {
      case 'livekit':
        return [await ensureLiveKitOutboundTrunk(saga, { ...base, edge, userName, password })];
      case 'bolna':
        if (edge.transport !== 'tcp') throw ApplicationFailure.nonRetryable(`Bolna's trunks dial udp or tcp only, and Exotel account ${exotel.accountSid}'s sipEdge is ${edge.transport}`, FailureTypes.configuration);
        return ensureBolnaTrunk(saga, { ...base, direction: 'outbound', edge, userName, password });
      case 'smallest-atoms':
        return importOnAtoms(saga, { ...base, edge, userName, password });
      case 'pipecat-daily':
        throw ApplicationFailure.nonRetryable(MANUAL_DIRECTIONS['pipecat-daily']?.outbound ?? 'Daily has no outbound side by API', FailureTypes.configuration);
      default:
        return ensureNumbers(saga, provider, base, { direction: 'outbound', edge, userName, password, ...agentOf(asked) });
    }
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
  if (provider === 'bolna') {
    return step(first, (asked) =>
      ensureBolnaTrunk(saga, { ...base(asked), direction: 'inbound', signallingIps: signallingIpsOf(asked.providerFields), ...agentOf(asked) }),
    );
  }
  if (provider === 'pipecat-daily') {
    return step(first, async (asked) => [await ensureDailyTrunk(saga, account, asked)]);
  }
  if (provider === 'smallest-atoms') throw ApplicationFailure.nonRetryable(MANUAL_DIRECTIONS['smallest-atoms']?.inbound ?? 'Atoms has no inbound side by API', FailureTypes.configuration);
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
  /** The name it is given, when not platformObjectName's (Daily's trunk: the destination names it). */
  name?: string;
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
  const name = o.name ?? platformObjectName(o.kind, o.customerId);
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

type BolnaWants =
  | { direction: 'outbound'; edge: SipEdge; userName: string; password: string }
  | { direction: 'inbound'; signallingIps: string[]; agentId?: string };

type BolnaTrunk = NonNullable<Awaited<ReturnType<PlatformRequests['bolnaGetTrunk']>>>;

/**
 * Bolna: the customer's one trunk, which both directions share (a number can be on one trunk only [I]), then its
 * parts: outbound Exotel's edge as the gateway, inbound Exotel's signalling IPs on its ACL, and every number. Found of
 * this setup's name (the other direction made it), the trunk gets this direction turned on and its settings, and a
 * rollback puts back exactly those; a part already there is the other direction's and stays.
 */
async function ensureBolnaTrunk(saga: Saga, o: { account: string; customerId: string; dids: string[] } & BolnaWants): Promise<PlatformObject[]> {
  const { account, customerId, dids } = o;
  const { platform, platformOnce, undoPlatform } = platformFor('bolna');
  const trunkObject = await ensureOnPlatform<BolnaTrunk>(saga, {
    provider: 'bolna',
    kind: 'bolna-trunk',
    customerId,
    what: 'a trunk',
    find: (requests, name) => requests.bolnaFindTrunk({ account, name }),
    create: (name) =>
      platformOnce.bolnaCreateTrunk({
        account,
        name,
        direction: o.direction,
        transport: 'tcp',
        ...(o.direction === 'outbound' ? { authUsername: o.userName, authPassword: o.password } : o.agentId ? { defaultInboundAgentId: o.agentId } : {}),
      }),
    remove: (id) => undoPlatform.bolnaDeleteTrunk({ account, id }),
    adopt: async (found) => {
      const at: RestoreAt = { saga, step: STEP_OF['bolna-trunk'], key: `bolna-trunk:${found.id}`, what: `Bolna trunk ${found.name}` };
      if (o.direction === 'outbound') {
        // Bolna takes the credentials only together [C], and never shows the password it had: they stay.
        await changeFound(at, {
          restored: ['whether it dials out'],
          stays: [`its auth user name and password (Bolna takes them only together and never shows the password${found.authUsername ? `; it had ${found.authUsername}` : ''})`],
          restore: () => undoPlatform.bolnaUpdateTrunk({ account, id: found.id, outboundEnabled: found.outboundEnabled }),
          change: () => platform.bolnaUpdateTrunk({ account, id: found.id, outboundEnabled: true, authUsername: o.userName, authPassword: o.password }),
        });
        return;
      }
      const agent = o.agentId ?? found.defaultInboundAgentId;
      if (found.inboundEnabled && agent === found.defaultInboundAgentId) return;
      await changeFound(at, {
        restored: ['whether it takes calls', 'its default agent'],
        stays: [],
        restore: () => undoPlatform.bolnaUpdateTrunk({ account, id: found.id, inboundEnabled: found.inboundEnabled, defaultInboundAgentId: found.defaultInboundAgentId }),
        change: () => platform.bolnaUpdateTrunk({ account, id: found.id, inboundEnabled: true, ...(agent ? { defaultInboundAgentId: agent } : {}) }),
      });
    },
  });
  const trunkId = trunkObject.id;
  const parts: BolnaPart[] = [];
  if (o.direction === 'outbound') {
    const { host, port } = o.edge;
    parts.push({
      kind: 'bolna-gateway',
      key: `${host}:${port}`,
      on: (t) => t.gateways.find((g) => g.host.toLowerCase() === host.toLowerCase() && g.port === port),
      create: () => platformOnce.bolnaAddGateway({ account, trunkId, host, port, priority: 1 }),
      remove: (id) => undoPlatform.bolnaDeleteGateway({ account, trunkId, gatewayId: id }),
    });
  } else {
    for (const ip of o.signallingIps) {
      const cidr = asCidr(ip);
      parts.push({
        kind: 'bolna-ip-acl',
        key: cidr,
        on: (t) => t.ipAcls.find((a) => asCidr(a.cidr) === cidr),
        create: () => platformOnce.bolnaAddIpAcl({ account, trunkId, cidr }),
        remove: (id) => undoPlatform.bolnaDeleteIpAcl({ account, trunkId, aclId: id }),
      });
    }
  }
  for (const did of dids) parts.push(bolnaNumberPart({ account, trunkId, did, platformOnce, undoPlatform }));
  return [trunkObject, ...(await ensureParts(saga, { provider: 'bolna', container: trunkObject, read: () => platform.bolnaGetTrunk({ account, id: trunkId }), parts }))];
}

type BolnaRequests = Pick<ReturnType<typeof platformFor>, 'platformOnce' | 'undoPlatform'>;

/** A number on a Bolna trunk, keyed by the number. */
function bolnaNumberPart({ account, trunkId, did, platformOnce, undoPlatform }: { account: string; trunkId: string; did: string } & BolnaRequests): BolnaPart {
  return {
    kind: 'bolna-number',
    key: did,
    on: (t) => t.numbers.find((n) => n.e164 === did),
    // destination_key: the called number as Exotel sends it, without + (the bolna profile's sheet) [C]/[I].
    create: () => platformOnce.bolnaAddNumber({ account, trunkId, e164: did, destinationKey: did.replace(/^\+/, '') }),
    remove: (id) => undoPlatform.bolnaDeleteNumber({ account, trunkId, numberId: id }),
  };
}

/** A part of a platform object (a Bolna trunk's gateway, ACL entry or number), found on a read of the object. */
interface BolnaPart {
  kind: PlatformObjectKind;
  key: string;
  on: (trunk: BolnaTrunk) => { id: string } | undefined;
  create: () => Promise<{ id: string }>;
  remove: (id: string) => Promise<boolean>;
}

/**
 * Each part by its key, on one read of the object they hang off: there already and not this run's, it is someone
 * else's (the other direction's) and is used, never deleted; otherwise made with its delete registered first, looked
 * up on another read before any retry. Ids are `objectId/partId`, since a part's delete names both.
 */
async function ensureParts(saga: Saga, o: { provider: ApiProvider; container: PlatformObject; read: () => Promise<BolnaTrunk | null>; parts: BolnaPart[] }): Promise<PlatformObject[]> {
  const made = madeByRun.get(saga) ?? new Set<string>();
  madeByRun.set(saga, made);
  const before = await o.read();
  const out: PlatformObject[] = [];
  for (const part of o.parts) {
    const sagaKey = `${part.kind}:${o.container.id}/${part.key}`;
    const there = before && part.on(before);
    const object = (id: string): PlatformObject => ({ kind: part.kind, id: `${o.container.id}/${id}`, name: part.key });
    if (there) {
      out.push(made.has(sagaKey) ? object(there.id) : { ...object(there.id), origin: 'pre-existing', mayDelete: false });
      continue;
    }
    const { value } = await createOrAdopt({
      saga,
      step: STEP_OF[part.kind],
      key: sagaKey,
      create: part.create,
      find: async () => {
        const now = await o.read();
        return (now && part.on(now)) ?? null;
      },
      findBeforeRetry: true,
      undo: async (known) => {
        const id = known?.id ?? (await o.read().then((now) => (now && part.on(now))?.id));
        if (!id) return null;
        return (await part.remove(id)) ? `deleted ${PLATFORM_NAMES[o.provider]} ${part.kind.replace(/^[a-z]+-/, '').replace(/-/g, ' ')} ${part.key} of ${o.container.name}` : null;
      },
    });
    made.add(sagaKey);
    out.push(object(value.id));
  }
  return out;
}

/**
 * Daily: the SIP trunk the destination names (`<domain>-<trunk name>.siptrunk.sip-us.daily.co`: Daily derives the
 * host from the name [C]), admitting Exotel's signalling IPs (or open, when asked), with the customer's webhook, which
 * Daily tests before it creates the trunk [C].
 */
function ensureDailyTrunk(saga: Saga, account: PlatformAccountInfo, asked: InboundSetupInput): Promise<PlatformObject> {
  const { platformOnce, undoPlatform } = platformFor('pipecat-daily');
  const parsed = parseDestination(asked.destinations[0] ?? '');
  // decidePlatformSide checked that every destination names a trunk of the account's domain.
  const named = typeof parsed === 'string' ? { problem: parsed } : dailyTrunkNameOf(parsed.host, account.domain ?? '');
  if ('problem' in named) throw ApplicationFailure.nonRetryable(named.problem, FailureTypes.inputValidation);
  const fields = asked.providerFields ?? {};
  const ips = signallingIpsOf(fields);
  return ensureOnPlatform(saga, {
    provider: 'pipecat-daily',
    kind: 'daily-sip-trunk',
    customerId: asked.customerId,
    name: named.trunkName,
    what: 'a SIP trunk',
    find: async (requests, trunkName) => {
      const found = await requests.dailyFindTrunk({ account: account.name, trunkName });
      return found && { ...found, name: found.trunkName };
    },
    create: async (trunkName) => {
      const made = await platformOnce.dailyCreateTrunk({
        account: account.name,
        trunkName,
        webhookUrl: fields.webhookUrl ?? '',
        ...(ips.length > 0 ? { allowedIps: ips } : { isOpen: true }),
      });
      return { ...made, name: made.trunkName };
    },
    remove: (id) => undoPlatform.dailyDeleteTrunk({ account: account.name, id }),
  });
}

/**
 * Atoms: each number imported with Exotel's edge as its termination URL and the digest user and password, found by
 * listing (GET /product/all-numbers [C]) before the import and before any retry. Atoms has no delete or update of an
 * imported number by API [C], so an import is the setup's last request: its rollback can only say what to remove in
 * the dashboard. A number found of this setup's name was left there by an earlier setup of the customer (which could
 * not delete it) and is used as it is; one of another name is not ours: refused.
 */
async function importOnAtoms(
  saga: Saga,
  { account, customerId, dids, edge, userName, password }: { account: string; customerId: string; dids: string[]; edge: SipEdge; userName: string; password: string },
): Promise<PlatformObject[]> {
  const { platform, platformOnce } = platformFor('smallest-atoms');
  const name = platformObjectName('atoms-phone-number', customerId);
  const made = madeByRun.get(saga) ?? new Set<string>();
  madeByRun.set(saga, made);
  const out: PlatformObject[] = [];
  for (const did of dids) {
    const sagaKey = `atoms-phone-number:${did}`;
    const found = await platform.atomsFindNumber({ account, phoneNumber: did });
    if (found) {
      if (made.has(sagaKey)) out.push({ kind: 'atoms-phone-number', id: found.id, name });
      else if (found.name === name) out.push({ kind: 'atoms-phone-number', id: found.id, name, origin: 'pre-existing', mayDelete: false });
      else throw conflict(`Atoms already has ${did} imported${found.name ? ` as ${found.name}` : ''} (${found.id}), not by this setup: remove it in the Atoms dashboard, or set the customer up with providerSide manual`);
      continue;
    }
    // Whether this run's import went through: an attempt without an answer may have.
    let imported: 'no' | 'maybe' | 'yes' = 'no';
    const compensation = saga.register(STEP_OF['atoms-phone-number'], sagaKey, async () => {
      if (imported === 'yes') return `not undone: Atoms number ${did} stays imported (Atoms has no delete by API): remove it in the Atoms dashboard`;
      if (imported === 'maybe') return `not undone: Atoms number ${did} may have been imported by an attempt whose answer was lost (Atoms has no delete by API): check the Atoms dashboard`;
      return null;
    });
    const deadline = Date.now() + FORWARD_STEP_BUDGET_MS;
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) {
        const landed = await platform.atomsFindNumber({ account, phoneNumber: did });
        if (landed) {
          imported = 'yes';
          out.push({ kind: 'atoms-phone-number', id: landed.id, name });
          break;
        }
      }
      try {
        const done = await platformOnce.atomsImportNumber({ account, phoneNumber: did, edge, name, sipUsername: userName, sipPassword: password });
        imported = 'yes';
        out.push({ kind: 'atoms-phone-number', id: done.id, name });
        break;
      } catch (err) {
        if (isRetryable(err)) imported = 'maybe';
        // Refused for good on the first attempt: nothing was imported.
        else if (attempt === 1) compensation.disarm();
        await waitBeforeRetry(err, attempt, deadline);
      }
    }
    made.add(sagaKey);
  }
  return out;
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

/**
 * Deletes one object a line recorded, by its kind (offboarding; setups' rollbacks delete through their saga). False
 * when it was gone already. A part's id is `trunkId/partId` (ensureParts).
 */
export async function removePlatformObject(provider: ApiProvider, account: string, { kind, id }: Pick<PlatformObject, 'kind' | 'id'>): Promise<boolean> {
  const { platform } = platformFor(provider);
  const [trunkId = '', partId = ''] = id.split('/');
  switch (kind) {
    case 'livekit-dispatch-rule':
      return platform.livekitDeleteDispatchRule({ account, id });
    case 'livekit-outbound-trunk':
    case 'livekit-inbound-trunk':
      await platform.livekitDeleteTrunk({ account, id });
      return true;
    case 'retell-phone-number':
      return platform.retellDeleteNumber({ account, phoneNumber: id });
    case 'elevenlabs-phone-number':
      return platform.elevenlabsDeleteNumber({ account, id });
    case 'bolna-trunk':
      return platform.bolnaDeleteTrunk({ account, id });
    case 'bolna-gateway':
      return platform.bolnaDeleteGateway({ account, trunkId, gatewayId: partId });
    case 'bolna-ip-acl':
      return platform.bolnaDeleteIpAcl({ account, trunkId, aclId: partId });
    case 'bolna-number':
      return platform.bolnaDeleteNumber({ account, trunkId, numberId: partId });
    case 'daily-sip-trunk':
      return platform.dailyDeleteTrunk({ account, id });
    case 'atoms-phone-number':
      // domain/line-plans.ts plans no delete for it: Atoms has none by API.
      throw ApplicationFailure.nonRetryable(`Atoms has no delete by API: remove ${id} in the Atoms dashboard`, FailureTypes.configuration);
  }
}

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
    const { platform, platformOnce, undoPlatform } = platformFor('bolna');
    return ensureParts(saga, {
      provider,
      container: trunk,
      read: () => platform.bolnaGetTrunk({ account, id: trunk.id }),
      parts: [bolnaNumberPart({ account, trunkId: trunk.id, did, platformOnce, undoPlatform })],
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
  if (account.provider === 'bolna') return crossCheckBolnaOutbound(exotel, await readBolnaTrunk(account.name, objects));
  if (account.provider === 'smallest-atoms') return crossCheckListedNumbers('Atoms', exotel.dids, await readAtomsNumbers(account.name, exotel.dids));
  // Daily has no outbound side by API.
  if (account.provider === 'pipecat-daily') return [];
  return crossCheckNumbersOutbound(account.provider, exotel, await readNumbers(account.provider, account.name, objects));
}

/** The DIDs Atoms lists as imported (one list request each: Atoms reads no number by id). */
async function readAtomsNumbers(account: string, dids: string[]): Promise<string[]> {
  const { platform } = platformFor('smallest-atoms');
  const held: string[] = [];
  for (const did of dids) if (await platform.atomsFindNumber({ account, phoneNumber: did })) held.push(did);
  return held;
}

/** The Bolna trunk a line's objects name, read back with its parts; null when it is not there. */
async function readBolnaTrunk(account: string, objects: PlatformObject[]): Promise<BolnaTrunkSnapshot | null> {
  const trunk = objects.find((o) => o.kind === 'bolna-trunk');
  return trunk ? platformFor('bolna').platform.bolnaGetTrunk({ account, id: trunk.id }) : null;
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
  if (account.provider === 'bolna') {
    // The IPs it was given are the ACL entries it recorded (a drift scan has no fields).
    const signallingIps = objects.filter((o) => o.kind === 'bolna-ip-acl').map((o) => o.name);
    return crossCheckBolnaInbound({ dids, destinations, signallingIps }, await readBolnaTrunk(account.name, objects), fields === null ? undefined : documentedSipHost(account.provider, fields));
  }
  if (account.provider === 'pipecat-daily') {
    const trunk = objects.find((o) => o.kind === 'daily-sip-trunk');
    const read = trunk ? await platformFor('pipecat-daily').platform.dailyGetTrunk({ account: account.name, id: trunk.id }) : null;
    return crossCheckDailyInbound({ destinations, signallingIps: fields ? signallingIpsOf(fields) : [] }, read);
  }
  if (account.provider === 'smallest-atoms') return [];
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
function documentedSipHost(provider: ApiProvider, fields: Record<string, string> | undefined): PlatformSipHost | undefined {
  const profile = PROVIDERS[provider];
  const values = fieldValues(profile, fields);
  const target = profile.inbound && pick(profile.inbound.targets, values);
  return target?.kind === 'template' ? { host: fill(target.host, values), ports: target.ports } : undefined;
}

function failOnMismatch(mismatches: CrossCheckMismatch[]): void {
  if (mismatches.length === 0) return;
  throw ApplicationFailure.nonRetryable(`Exotel and the platform disagree: ${mismatches.map((m) => m.detail).join('; ')}`, FailureTypes.crossCheckMismatch, mismatches);
}
