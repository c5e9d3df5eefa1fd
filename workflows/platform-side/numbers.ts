// Retell and ElevenLabs: each DID a number there, serving both directions; a setup finding its customer's number
// changes only what its direction needs, and puts that back on rollback.
import { ApplicationFailure, patched } from '@temporalio/workflow';
import { FailureTypes } from '../../domain/failures';
import { isEdge, mediaEncryptionFor, mediaSuits, PLATFORM_NAMES, type NumberProvider, type PlatformObject, type PlatformObjectKind } from '../../domain/platform-side';
import type { SipEdge } from '../../domain/setup-result';
import { platformFor } from '../activity-profiles';
import type { Saga } from '../saga';
import { PATCHES } from '../patches';
import { changeFound, ensureOnPlatform, transportOf, type Found, type OnPlatform, type PlatformRequests, type RestoreAt } from './ensure';
import { STEP_OF } from './steps';

/** What a direction needs of each number; `agentId` (the profile's field, when given) is bound to its direction. */
type NumberWants = { agentId?: string } & (
  | { direction: 'outbound'; edge: SipEdge; userName: string; password: string }
  | { direction: 'inbound'; transport: 'tls' | 'tcp'; edge?: SipEdge }
);

export const agentOf = (asked: { providerFields?: Record<string, string> }): { agentId?: string } => (asked.providerFields?.agentId ? { agentId: asked.providerFields.agentId } : {});

/** Each DID as a number of the platform, one after another, every one with its own create-or-adopt. */
export async function ensureNumbers(saga: Saga, provider: NumberProvider, { account, customerId, dids }: { account: string; customerId: string; dids: string[] }, wants: NumberWants): Promise<PlatformObject[]> {
  const made: PlatformObject[] = [];
  for (const did of dids) made.push(await (provider === 'retell' ? ensureRetellNumber : ensureElevenLabsNumber)(saga, { account, customerId, did }, wants));
  return made;
}

type NumberAt = { account: string; customerId: string; did: string };

export const NUMBER_KIND: Record<NumberProvider, PlatformObjectKind> = { retell: 'retell-phone-number', elevenlabs: 'elevenlabs-phone-number' };

/** A number on the platform by its E.164 key, with the platform's own requests. */
function ensureNumber<V extends Found>(saga: Saga, provider: NumberProvider, { customerId, did }: NumberAt, handlers: Pick<OnPlatform<V>, 'account' | 'find' | 'create' | 'adopt'>): Promise<PlatformObject> {
  return ensureOnPlatform(saga, { provider, kind: NUMBER_KIND[provider], customerId, key: did, what: `number ${did}`, ...handlers });
}

/** Where a change to a found number registers its restore, and how the rollback names the number. */
function restoreAt(saga: Saga, provider: NumberProvider, did: string): RestoreAt {
  const kind = NUMBER_KIND[provider];
  return { saga, step: STEP_OF[kind], key: `${kind}:${did}`, what: `${PLATFORM_NAMES[provider]} number ${did}` };
}

type RetellView = NonNullable<Awaited<ReturnType<PlatformRequests['retellGetNumber']>>>;

type ElevenLabsView = NonNullable<Awaited<ReturnType<PlatformRequests['elevenlabsGetNumber']>>>;

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
    account,
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
    account,
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
    adopt: async (found) => {
      const id = found.phoneNumberId;
      const { agentId } = wants;
      // Setups begun before agents on found numbers leave the agent as it was.
      if (agentId && found.agentId !== agentId && patched(PATCHES.elevenLabsAgentOnFoundNumber)) {
        const previous = found.agentId;
        await changeFound(
          { ...at, key: `${at.key}:agent` },
          {
            restored: previous ? ['its agent'] : [],
            stays: previous ? [] : ['its agent (ElevenLabs cannot take one off a number)'],
            restore: previous ? () => undoPlatform.elevenlabsUpdateNumber({ account, id, agentId: previous }) : null,
            change: () => platform.elevenlabsUpdateNumber({ account, id, agentId }),
          },
        );
      }
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
