// PSTN → Exotel → voice AI: a trunk (given or created), the DID on it, destination URIs, then a read-back that
// proves Exotel holds what was asked for.
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { connectAppletDialWhom } from '../domain/naming';
import type { InboundSetupInput, InboundSetupResult } from '../domain/setup';
import { normalizeDestination, validateInboundSetup } from '../domain/validation';
import { exotel, exotelOnce, local, undoExotel } from './activity-profiles';
import { stepDeadline, waitBeforeRetry, type Origin } from './create-or-adopt';
import { ensureMapping, ensureTrunk } from './resources';
import { SetupProgress, statusQuery } from './progress';
import { Saga } from './saga';
import { rollBackAndFail, validateOrFail } from './setup-failure';

export async function inboundSetup(input: InboundSetupInput): Promise<InboundSetupResult> {
  const trunkStep = input.trunkSid ? 'use-trunk' : 'create-trunk';
  const progress = new SetupProgress('inbound', input.customerId, ['validate', trunkStep, 'map-did', 'add-destinations', 'verify']);
  setHandler(statusQuery, () => progress.snapshot());
  validateOrFail(progress, () => validateInboundSetup(input));

  const accountSid = input.exotelAccountSid;
  const wanted = input.destinations.map(normalizeDestination);
  const saga = new Saga();
  try {
    await progress.run('validate', () => local.describeAccount({ accountSid }));

    const trunk = await progress.run(trunkStep, async () => {
      const found = input.trunkSid
        ? await useTrunk(accountSid, input.trunkSid)
        : await ensureTrunk(saga, { accountSid, customerId: input.customerId, direction: 'inbound', did: input.did });
      progress.record(trunkStep, { trunkSid: found.trunkSid });
      return found;
    });
    const { trunkSid } = trunk;

    const mapping = await progress.run('map-did', async () => {
      const { value } = await ensureMapping(saga, { accountSid, trunkSid, did: input.did });
      progress.record('map-did', { mappingId: value.id });
      return value;
    });

    const destinationIds = await progress.run('add-destinations', async () => {
      const ids = await addDestinations(saga, accountSid, trunkSid, wanted, trunk.origin);
      progress.record('add-destinations', { destinationIds: ids });
      return ids;
    });

    await progress.run('verify', () => verify(accountSid, trunkSid, input.did, wanted));

    progress.setPhase('succeeded');
    return {
      trunkSid,
      trunkName: trunk.trunkName,
      trunkCreated: trunk.origin !== 'pre-existing',
      phoneNumberMappingId: mapping.id,
      destinationIds,
      connectAppletDialWhom: connectAppletDialWhom(trunkSid),
    };
  } catch (err) {
    return rollBackAndFail('inbound', input.customerId, progress, saga, err);
  }
}

async function useTrunk(accountSid: string, trunkSid: string) {
  const trunk = await exotel.findTrunk({ accountSid, trunkSid });
  if (!trunk) throw ApplicationFailure.nonRetryable(`trunk ${trunkSid} does not exist in Exotel account ${accountSid}`, 'TrunkNotFound');
  return { trunkSid: trunk.trunkSid, trunkName: trunk.trunkName, origin: 'pre-existing' as Origin };
}

/**
 * Adds the destinations the trunk lacks. Entries present before this run are kept and never deleted; entries this
 * run may have added (including by a POST whose answer was lost) are found by value for the rollback.
 */
async function addDestinations(saga: Saga, accountSid: string, trunkSid: string, wanted: string[], trunkOrigin: Origin): Promise<string[]> {
  // A trunk made by this run starts empty, so the happy path needs no read before the POST.
  const before = trunkOrigin === 'created' ? [] : await exotel.listDestinationUris({ accountSid, trunkSid });
  const preexistingIds = new Set(before.map((d) => d.id));
  saga.register('add-destinations', async () => {
    const ours = (await undoExotel.listDestinationUris({ accountSid, trunkSid })).filter(
      (d) => !preexistingIds.has(d.id) && wanted.includes(d.destination),
    );
    for (const d of ours) await undoExotel.deleteDestinationUri({ accountSid, trunkSid, id: d.id });
    return ours.length ? `removed destinations ${ours.map((d) => `${d.destination} (${d.id})`).join(', ')}` : null;
  });

  // POST destination-uris appends, so it is never retried blindly: each new attempt re-reads the trunk first.
  let present = before;
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
