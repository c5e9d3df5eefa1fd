// PSTN → Exotel → voice AI: a trunk (given or created), the DID on it, (where the platform's side goes by API: the
// platform's inbound trunk and dispatch rule), destination URIs, then a read-back that proves Exotel holds what was
// asked for, and a cross-check that the platform agrees.
import { ApplicationFailure, patched } from '@temporalio/workflow';
import { FailureTypes } from '../domain/failures';
import { connectAppletDialWhom } from '../domain/naming';
import type { PlatformObject, PlatformSideResult } from '../domain/platform-side';
import { normalizeDestination } from '../domain/rules';
import { didsOf, type InboundSetupInput } from '../domain/setup';
import type { DestinationProbe, InboundSetupResult } from '../domain/setup-result';
import { exotelFor, local } from './activity-profiles';
import { handoffFor } from './handoff';
import { handOverToLine } from './line-handover';
import type { StepInputs } from './ops-gate';
import { mappingResource, mappingResult } from './mappings';
import { ensureDestinations, ensureMappings, ensureTrunk, useTrunk, type DestinationLedger } from './resources';
import { crossCheckInboundSide } from './platform-side/cross-check';
import { decidePlatformSide, manualSide, platformOfLine } from './platform-side/decide';
import { ensureInboundOnPlatform } from './platform-side/setup';
import { platformStepRunner, platformSteps } from './platform-side/steps';
import { PATCHES } from './patches';
import { runSetup } from './setup-run';

/** What each step reads of the input, so an operator's retry may correct only what no finished step used. */
const STEP_INPUTS: StepInputs = {
  'use-trunk': ['trunkSid'],
  'map-did': ['did', 'dids'],
  'add-destinations': ['destinations'],
  verify: ['did', 'dids', 'destinations'],
  'platform-inbound-trunk': ['did', 'dids'],
  // Like the LiveKit trunk's, its media encryption follows the first destination's transport, yet a retry may still
  // correct the destinations (a probe's verdict): the cross-check judges what they became.
  'platform-number': ['did', 'dids'],
  'platform-trunk': ['did', 'dids'],
  // Daily's trunk is named by the destination's host: a corrected destination names another trunk.
  'platform-sip-trunk': ['destinations'],
  'probe-destinations': ['destinations'],
};

export async function inboundSetup(input: InboundSetupInput): Promise<InboundSetupResult> {
  const trunkStep = input.trunkSid ? 'use-trunk' : 'create-trunk';
  const steps = ['validate', trunkStep, 'map-did', 'add-destinations', 'verify'];
  const accountSid = input.exotelAccountSid;
  return runSetup('inbound', input, { steps, stepInputs: STEP_INPUTS }, async ({ progress, saga, ops, addSteps }) => {
    const ledger: DestinationLedger = { ours: new Set() };
    const { account, side } = await ops.step('validate', async () => {
      const account = await local.describeAccount({ accountSid });
      return { account, side: await decidePlatformSide(ops.input, 'inbound', { edge: account.sipEdge }) };
    });
    const platformStepNames = side.mode === 'api' ? platformSteps(side.account.provider, 'inbound') : [];
    if (side.mode === 'api') {
      addSteps('map-did', platformStepNames);
      addSteps('verify', ['cross-check']);
    }
    // Setups begun before probes go on without one.
    const probe = (ops.input.probe ?? 'warn') !== 'off' && patched(PATCHES.probeDestinations);
    if (probe) addSteps(platformStepNames.at(-1) ?? 'map-did', ['probe-destinations']);

    const trunk = await ops.step(trunkStep, async (asked) => {
      const { trunkSid: given, customerId } = asked;
      const found = given ? await useTrunk(accountSid, given) : await ensureTrunk(saga, { accountSid, customerId, direction: 'inbound', dids: didsOf(asked) });
      progress.record(trunkStep, { trunkSid: found.trunkSid });
      return found;
    });
    const { trunkSid } = trunk;

    const mappingIds = await ops.step('map-did', async (asked) => {
      const ids = await ensureMappings(saga, { accountSid, trunkSid, dids: didsOf(asked) });
      progress.record('map-did', mappingResource(ids));
      return ids;
    });

    // The platform takes the numbers before Exotel sends it a call.
    let platform: PlatformObject[] | undefined;
    if (side.mode === 'api') platform = await ensureInboundOnPlatform(saga, platformStepRunner({ ops, progress }), side.account, { exotel: { accountSid, edge: account.sipEdge } });

    let probes: DestinationProbe[] | undefined;
    if (probe) {
      probes = await ops.step('probe-destinations', async (asked) => {
        const found: DestinationProbe[] = [];
        for (const destination of asked.destinations.map(normalizeDestination)) found.push(await local.probeDestination({ destination }));
        progress.record('probe-destinations', { verdicts: found.map((p) => `${p.destination}: ${p.summary}`) });
        const unreachable = found.filter((p) => p.verdict !== 'reachable');
        if (asked.probe === 'require' && unreachable.length > 0) {
          throw ApplicationFailure.nonRetryable(
            `nothing answers SIP at ${unreachable.map((p) => `${p.destination} (${p.summary})`).join('; ')}: fix the destination or the platform, then retry (or correct destinations)`,
            FailureTypes.destinationUnreachable,
            unreachable,
          );
        }
        return found;
      });
    }

    const destinationIds = await ops.step('add-destinations', async ({ destinations }) => {
      const wanted = destinations.map(normalizeDestination);
      const ids = await ensureDestinations(saga, ledger, { accountSid, trunkSid, wanted, trunkOrigin: trunk.origin });
      progress.record('add-destinations', { destinationIds: ids });
      return ids;
    });

    await ops.step('verify', (asked) => verify(accountSid, trunkSid, didsOf(asked), asked.destinations.map(normalizeDestination)));
    if (side.mode === 'api' && platform) {
      const made = platform;
      await ops.step('cross-check', (asked) => crossCheckInboundSide(side.account, made, asked));
    }
    const platformSide: PlatformSideResult | undefined =
      side.mode === 'api'
        ? { mode: 'api', provider: side.account.provider, account: side.account.name, objects: platform ?? [] }
        : side.reason
          ? manualSide(side)
          : undefined;

    progress.setPhase('succeeded');
    const result: InboundSetupResult = {
      did: ops.input.did,
      ...(ops.input.dids ? { dids: ops.input.dids } : {}),
      trunkSid,
      trunkName: trunk.trunkName,
      trunkCreated: trunk.origin !== 'pre-existing',
      ...mappingResult(mappingIds),
      destinationIds,
      connectAppletDialWhom: connectAppletDialWhom(trunkSid),
      ...(platformSide ? { platformSide } : {}),
      ...(probes ? { probes } : {}),
    };
    await handOverToLine('inbound', ops.input, trunk, {
      mappingIds,
      destinations: ops.input.destinations.map((d, i) => ({ id: destinationIds[i] ?? '', value: normalizeDestination(d) })),
      ...platformOfLine(platformSide),
    });
    return { ...result, ...handoffFor({ direction: 'inbound', input: ops.input, result }) };
  });
}

/** Reads everything back and compares normalized values with the request; any difference fails the step with a diff. */
async function verify(accountSid: string, trunkSid: string, dids: string[], wanted: string[]): Promise<void> {
  const { exotel } = exotelFor(accountSid);
  // One after another: three reads are cheap, and a fixed order keeps the request log readable.
  const trunk = await exotel.findTrunk({ accountSid, trunkSid });
  const numbers = await exotel.listPhoneNumbers({ accountSid, trunkSid });
  const destinations = await exotel.listDestinationUris({ accountSid, trunkSid });
  const diff: string[] = [];
  if (!trunk) diff.push(`trunk ${trunkSid}: expected to exist, not found`);
  else if (trunk.status && trunk.status !== 'active') diff.push(`trunk ${trunkSid}: expected status active, found ${trunk.status}`);
  for (const did of dids) {
    const number = numbers.find((n) => n.phoneNumber === did);
    if (!number) diff.push(`phone number ${did}: expected mapped to ${trunkSid}, not found`);
    else if (number.mode !== null && number.mode !== 'pstn') diff.push(`phone number ${did}: expected mode pstn, found ${number.mode}`);
  }
  for (const w of wanted) {
    if (!destinations.some((d) => d.destination === w)) diff.push(`destination ${w}: expected on ${trunkSid}, not found`);
  }
  if (diff.length > 0) {
    throw ApplicationFailure.nonRetryable(`read-back differs from the request: ${diff.join('; ')}`, FailureTypes.verificationMismatch, diff);
  }
}
