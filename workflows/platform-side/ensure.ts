// Create-or-adopt on a platform, as Exotel's steps do it: one object by its deterministic key (refused when it is
// someone else's, taken over when it is this customer's other direction's), the parts hung off one, and the restore
// of what a setup changed on an object it found.
import { ApplicationFailure } from '@temporalio/workflow';
import { FailureTypes } from '../../domain/failures';
import { PLATFORM_NAMES, platformObjectName, type ApiProvider, type PlatformObject, type PlatformObjectKind } from '../../domain/platform-side';
import { parseDestination } from '../../domain/rules';
import type { SipEdge } from '../../domain/setup-result';
import { platformFor } from '../activity-profiles';
import { createOrAdopt } from '../create-or-adopt';
import { conflict } from '../failures';
import type { Saga } from '../saga';
import { STEP_OF } from './steps';

/** Exotel's edge, which the platform dials (and Retell keeps as a number's termination URI even for inbound). */
export function edgeOf(exotel: { accountSid: string; edge: SipEdge | null }, provider: ApiProvider, why: string): SipEdge {
  if (exotel.edge) return exotel.edge;
  throw ApplicationFailure.nonRetryable(`Exotel account ${exotel.accountSid} has no sipEdge configured: ${PLATFORM_NAMES[provider]} ${why}`, FailureTypes.configuration);
}

/** The transport Exotel will use to reach the platform: its media encryption must suit it. */
export function parsedTransport(destination: string | undefined): 'tls' | 'tcp' {
  const parsed = parseDestination(destination ?? '');
  return typeof parsed === 'string' ? 'tls' : parsed.transport;
}

/** A transport read back, as the clients send one (`udp`, `auto` they do not). */
export const transportOf = (t: string): 'tls' | 'tcp' | null => (t === 'tls' || t === 'tcp' ? t : null);

/** An object as ensureOnPlatform handles it: the platform's id, and the name it holds it under where it says one. */
export type Found = { id: string; name?: string | null };

export interface OnPlatform<V extends Found> {
  provider: ApiProvider;
  /** The platform account's name on the worker. */
  account: string;
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
  /** Changes what this direction needs on one of this setup's name found there, undoing only that on rollback. */
  adopt?: (found: V) => Promise<void>;
}

/** The keys (kind:key) of the objects this saga's run made, so a step retried after an operator's decision takes its own. */
export const madeByRun = new WeakMap<Saga, Set<string>>();

/**
 * One platform object by its deterministic key (LiveKit: its name; Retell and ElevenLabs: the number): refused when
 * the platform already holds one this run did not make (not ours to take), unless it is of this setup's name and
 * the kind can be taken over (`adopt`: a number the customer's other direction imported); otherwise its delete
 * registered before the create, looked up before another attempt (LiveKit takes a second outbound trunk of a name,
 * a lost answer's inbound trunk refuses a second one, and a lost import makes the retry's a duplicate).
 */
export async function ensureOnPlatform<V extends Found>(saga: Saga, o: OnPlatform<V>): Promise<PlatformObject> {
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
      return (await deletePlatformObject(undoPlatform, o.account, { kind: o.kind, id })) ? `deleted ${platformName} ${o.what.replace(/^an? /, '')}${id === key ? '' : ` ${id}`} (${name})` : null;
    },
  });
  made.add(sagaKey);
  return { kind: o.kind, id: value.id, name };
}

export type PlatformRequests = ReturnType<typeof platformFor>['platform'];

/**
 * Deletes one platform object by its kind, through `requests` (a rollback's, which retry long, or an operation's):
 * false when it was gone already. A part's id is `containerId/partId` (ensureParts).
 */
export async function deletePlatformObject(requests: PlatformRequests, account: string, { kind, id }: Pick<PlatformObject, 'kind' | 'id'>): Promise<boolean> {
  const [trunkId = '', partId = ''] = id.split('/');
  switch (kind) {
    case 'livekit-dispatch-rule':
      return requests.livekitDeleteDispatchRule({ account, id });
    case 'livekit-outbound-trunk':
    case 'livekit-inbound-trunk':
      // LiveKit deletes a missing trunk without complaint (test/platform/livekit-server.test.ts).
      await requests.livekitDeleteTrunk({ account, id });
      return true;
    case 'retell-phone-number':
      return requests.retellDeleteNumber({ account, phoneNumber: id });
    case 'elevenlabs-phone-number':
      return requests.elevenlabsDeleteNumber({ account, id });
    case 'bolna-trunk':
      return requests.bolnaDeleteTrunk({ account, id });
    case 'bolna-gateway':
      return requests.bolnaDeleteGateway({ account, trunkId, gatewayId: partId });
    case 'bolna-ip-acl':
      return requests.bolnaDeleteIpAcl({ account, trunkId, aclId: partId });
    case 'bolna-number':
      return requests.bolnaDeleteNumber({ account, trunkId, numberId: partId });
    case 'daily-sip-trunk':
      return requests.dailyDeleteTrunk({ account, id });
    case 'atoms-phone-number':
      // domain/line-plans.ts plans no delete for it, and a setup registers none: Atoms has none by API.
      throw ApplicationFailure.nonRetryable(`Atoms has no delete by API: remove ${id} in the Atoms dashboard`, FailureTypes.configuration);
  }
}

export type RestoreAt = { saga: Saga; step: string; key: string; what: string };

/**
 * Changes fields of an object this setup found (did not make): the restore of what it read before is registered
 * first, so a rollback puts back exactly what this run changed, and says what the platform cannot put back.
 */
export async function changeFound(at: RestoreAt, o: { restored: string[]; stays: string[]; restore: (() => Promise<unknown>) | null; change: () => Promise<unknown> }): Promise<void> {
  at.saga.register(at.step, `${at.key}:restore`, async () => {
    if (o.restore) await o.restore();
    const done = o.restore ? `${at.what}: restored ${o.restored.join(', ')}` : `${at.what}: left in place`;
    return o.stays.length > 0 ? `${done}; not put back: ${o.stays.join('; ')}` : done;
  });
  await o.change();
}

/** A part of a platform object `C` (a Bolna trunk's gateway, ACL entry or number), found on a read of the object. */
export interface Part<C> {
  kind: PlatformObjectKind;
  key: string;
  on: (container: C) => { id: string } | undefined;
  create: () => Promise<{ id: string }>;
}

/**
 * Each part by its key, on one read of the object they hang off: there already and not this run's, it is someone
 * else's (the other direction's) and is used, never deleted; otherwise made with its delete registered first, looked
 * up on another read before any retry. Ids are `objectId/partId`, since a part's delete names both.
 */
export async function ensureParts<C>(
  saga: Saga,
  o: { provider: ApiProvider; account: string; container: PlatformObject; read: () => Promise<C | null>; parts: Part<C>[] },
): Promise<PlatformObject[]> {
  const { undoPlatform } = platformFor(o.provider);
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
        return (await deletePlatformObject(undoPlatform, o.account, { kind: part.kind, id: `${o.container.id}/${id}` })) ? `deleted ${PLATFORM_NAMES[o.provider]} ${part.kind.replace(/^[a-z]+-/, '').replace(/-/g, ' ')} ${part.key} of ${o.container.name}` : null;
      },
    });
    made.add(sagaKey);
    out.push(object(value.id));
  }
  return out;
}
