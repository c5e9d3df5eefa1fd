// PSTN → Exotel → voice AI: a trunk (given or created), the DID on it, destination URIs, then a read-back that
// proves Exotel holds what was asked for.
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { connectAppletDialWhom } from '../domain/naming';
import type { InboundSetupInput, InboundSetupResult } from '../domain/setup';
import { normalizeDestination, validateInboundSetup } from '../domain/validation';
import { exotelFor, local } from './activity-profiles';
import { stepDeadline, waitBeforeRetry, type Origin } from './create-or-adopt';
import { ensureMapping, ensureTrunk } from './resources';
import { handoffFor } from './handoff';
import { OpsGate, type StepInputs } from './ops-gate';
import { SetupProgress, statusQuery } from './progress';
import { Saga } from './saga';
import { rollBackAndFail, validateOrFail } from './setup-failure';

/** What each step reads of the input, so an operator's retry may correct only what no finished step used. */
const STEP_INPUTS: StepInputs = {
  'use-trunk': ['trunkSid'],
  'map-did': ['did'],
  'add-destinations': ['destinations'],
  verify: ['did', 'destinations'],
};

export async function inboundSetup(input: InboundSetupInput): Promise<InboundSetupResult> {
  const trunkStep = input.trunkSid ? 'use-trunk' : 'create-trunk';
  const steps = ['validate', trunkStep, 'map-did', 'add-destinations', 'verify'];
  const progress = new SetupProgress('inbound', input.customerId, steps);
  setHandler(statusQuery, () => progress.snapshot());
  validateOrFail(progress, () => validateInboundSetup(input));

  const accountSid = input.exotelAccountSid;
  const saga = new Saga();
  const setup = { input };
  const ops = new OpsGate('inbound', setup, progress, saga, steps, STEP_INPUTS);
  const wanted = () => setup.input.destinations.map(normalizeDestination);
  const ledger: DestinationLedger = { ours: new Set() };
  try {
    await ops.step('validate', () => local.describeAccount({ accountSid }));

    const trunk = await ops.step(trunkStep, async () => {
      const { trunkSid: given, customerId, did } = setup.input;
      const found = given ? await useTrunk(accountSid, given) : await ensureTrunk(saga, { accountSid, customerId, direction: 'inbound', did });
      progress.record(trunkStep, { trunkSid: found.trunkSid });
      return found;
    });
    const { trunkSid } = trunk;

    const mapping = await ops.step('map-did', async () => {
      const { value } = await ensureMapping(saga, { accountSid, trunkSid, did: setup.input.did });
      progress.record('map-did', { mappingId: value.id });
      return value;
    });

    const destinationIds = await ops.step('add-destinations', async () => {
      const ids = await addDestinations(saga, ledger, accountSid, trunkSid, wanted(), trunk.origin);
      progress.record('add-destinations', { destinationIds: ids });
      return ids;
    });

    await ops.step('verify', () => verify(accountSid, trunkSid, setup.input.did, wanted()));

    progress.setPhase('succeeded');
    const result: InboundSetupResult = {
      did: setup.input.did,
      trunkSid,
      trunkName: trunk.trunkName,
      trunkCreated: trunk.origin !== 'pre-existing',
      phoneNumberMappingId: mapping.id,
      destinationIds,
      connectAppletDialWhom: connectAppletDialWhom(trunkSid),
    };
    return { ...result, ...handoffFor('inbound', setup.input, { inbound: result }) };
  } catch (err) {
    return rollBackAndFail('inbound', input.customerId, progress, saga, err);
  }
}

async function useTrunk(accountSid: string, trunkSid: string) {
  const trunk = await exotelFor(accountSid).exotel.findTrunk({ accountSid, trunkSid });
  if (!trunk) throw ApplicationFailure.nonRetryable(`trunk ${trunkSid} does not exist in Exotel account ${accountSid}`, 'TrunkNotFound');
  return { trunkSid: trunk.trunkSid, trunkName: trunk.trunkName, origin: 'pre-existing' as Origin };
}

/** What this run knows about destination entries across attempts of the step (an operator may retry it). */
interface DestinationLedger {
  /** Entries on the trunk before this run first touched it: never deleted. */
  preexistingIds?: Set<string>;
  /** Every value this run has asked for, so the rollback can find what it added even when an answer was lost. */
  ours: Set<string>;
}

/**
 * Adds the destinations the trunk lacks. Entries present before this run are kept and never deleted; entries this
 * run may have added are found by value for the rollback, and on a retry after an operator corrected the list,
 * those no longer wanted are removed.
 */
async function addDestinations(
  saga: Saga,
  ledger: DestinationLedger,
  accountSid: string,
  trunkSid: string,
  wanted: string[],
  trunkOrigin: Origin,
): Promise<string[]> {
  const { exotel, exotelOnce, undoExotel } = exotelFor(accountSid);
  let present: { id: string; destination: string }[];
  if (ledger.preexistingIds === undefined) {
    // A trunk made by this run starts empty, so the happy path needs no read before the POST.
    present = trunkOrigin === 'created' ? [] : await exotel.listDestinationUris({ accountSid, trunkSid });
    ledger.preexistingIds = new Set(present.map((d) => d.id));
  } else {
    present = await exotel.listDestinationUris({ accountSid, trunkSid });
    const preexisting = ledger.preexistingIds;
    const unwanted = present.filter((d) => !preexisting.has(d.id) && ledger.ours.has(d.destination) && !wanted.includes(d.destination));
    for (const d of unwanted) await exotel.deleteDestinationUri({ accountSid, trunkSid, id: d.id });
    present = present.filter((d) => !unwanted.includes(d));
  }
  const preexistingIds = ledger.preexistingIds;
  wanted.forEach((w) => ledger.ours.add(w));
  saga.register('add-destinations', `destinations:${trunkSid}`, async () => {
    const ours = (await undoExotel.listDestinationUris({ accountSid, trunkSid })).filter(
      (d) => !preexistingIds.has(d.id) && ledger.ours.has(d.destination),
    );
    for (const d of ours) await undoExotel.deleteDestinationUri({ accountSid, trunkSid, id: d.id });
    return ours.length ? `removed destinations ${ours.map((d) => `${d.destination} (${d.id})`).join(', ')}` : null;
  });

  // POST destination-uris appends, so it is never retried blindly: each new attempt re-reads the trunk first.
  const deadline = stepDeadline();
  for (let attempt = 1; ; attempt++) {
    const missing = wanted.filter((w) => !present.some((p) => p.destination === w));
    if (missing.length === 0) break;
    try {
      const added = await exotelOnce.addDestinationUris({ accountSid, trunkSid, destinations: missing });
      present = [...present, ...added];
      break;
    } catch (err) {
      await waitBeforeRetry(err, attempt, deadline);
      present = await exotel.listDestinationUris({ accountSid, trunkSid });
    }
  }
  return wanted.map((w) => {
    const matches = present.filter((p) => p.destination === w);
    return (matches.find((p) => !preexistingIds.has(p.id)) ?? matches[0])?.id ?? '';
  });
}

/** Reads everything back and compares normalized values with the request; any difference fails the step with a diff. */
async function verify(accountSid: string, trunkSid: string, did: string, wanted: string[]): Promise<void> {
  const { exotel } = exotelFor(accountSid);
  // One after another: three reads are cheap, and a fixed order keeps the request log readable.
  const trunk = await exotel.findTrunk({ accountSid, trunkSid });
  const numbers = await exotel.listPhoneNumbers({ accountSid, trunkSid });
  const destinations = await exotel.listDestinationUris({ accountSid, trunkSid });
  const diff: string[] = [];
  if (!trunk) diff.push(`trunk ${trunkSid}: expected to exist, not found`);
  else if (trunk.status && trunk.status !== 'active') diff.push(`trunk ${trunkSid}: expected status active, found ${trunk.status}`);
  const number = numbers.find((n) => n.phoneNumber === did);
  if (!number) diff.push(`phone number ${did}: expected mapped to ${trunkSid}, not found`);
  else if (number.mode !== null && number.mode !== 'pstn') diff.push(`phone number ${did}: expected mode pstn, found ${number.mode}`);
  for (const w of wanted) {
    if (!destinations.some((d) => d.destination === w)) diff.push(`destination ${w}: expected on ${trunkSid}, not found`);
  }
  if (diff.length > 0) {
    throw ApplicationFailure.nonRetryable(`read-back differs from the request: ${diff.join('; ')}`, 'VerificationMismatch', diff);
  }
}
