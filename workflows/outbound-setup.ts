// Voice AI → Exotel → PSTN: trunk, DID, digest credentials, and an ACL entry per static provider IP when given;
// then, where the platform's side goes by API, the platform's outbound trunk to Exotel's edge, cross-checked.
import { credentialFriendlyNameFor, sipUserNameFor } from '../domain/naming';
import { bareIp } from '../domain/rules';
import { didsOf, type OutboundSetupInput } from '../domain/setup';
import type { OutboundSetupResult } from '../domain/setup-result';
import { local } from './activity-profiles';
import { crossCheckOutboundSide } from './platform-side/cross-check';
import { decidePlatformSide, manualSide, platformOfLine } from './platform-side/decide';
import { ensureOutboundOnPlatform } from './platform-side/setup';
import { platformStepRunner, platformSteps, UNVERIFIABLE } from './platform-side/steps';
import { handoffFor } from './handoff';
import { handOverToLine } from './line-handover';
import type { StepInputs } from './ops-gate';
import { ensureAclEntry, ensureCredential, ensureMappings, ensureTrunk } from './resources';
import { mappingResource, mappingResult } from './mappings';
import { runSetup } from './setup-run';

const STEPS = ['validate', 'create-trunk', 'map-did', 'create-credential', 'allowlist-ips'];
/** What each step reads of the input, so an operator's retry may correct only what no finished step used. */
const STEP_INPUTS: StepInputs = { 'map-did': ['did', 'dids'], 'allowlist-ips': ['providerIps'], 'platform-outbound-trunk': ['did', 'dids'], 'platform-number': ['did', 'dids'], 'platform-trunk': ['did', 'dids'] };

export async function outboundSetup(input: OutboundSetupInput): Promise<OutboundSetupResult> {
  const { customerId } = input;
  const accountSid = input.exotelAccountSid;
  return runSetup('outbound', input, { steps: STEPS, stepInputs: STEP_INPUTS }, async ({ progress, saga, ops, addSteps }) => {
    // The account (and the platform's, when its side goes by API) must be configured on the worker before anything
    // is created with it.
    const { account, side } = await ops.step('validate', async () => {
      const account = await local.describeAccount({ accountSid });
      return { account, side: await decidePlatformSide(ops.input, 'outbound', { edge: account.sipEdge }) };
    });
    if (side.mode === 'api') addSteps('allowlist-ips', [...platformSteps(side.account.provider, 'outbound'), 'cross-check']);

    const trunk = await ops.step('create-trunk', async (asked) => {
      const t = await ensureTrunk(saga, { accountSid, customerId, direction: 'outbound', dids: didsOf(asked) });
      progress.record('create-trunk', { trunkSid: t.trunkSid, trunkName: t.trunkName });
      return t;
    });
    const { trunkSid } = trunk;

    const mappingIds = await ops.step('map-did', async (asked) => {
      const ids = await ensureMappings(saga, { accountSid, trunkSid, dids: didsOf(asked) });
      progress.record('map-did', mappingResource(ids));
      return ids;
    });

    const userName = sipUserNameFor(customerId);
    const { credentialId, password } = await ops.step('create-credential', async () => {
      // Generated once and kept in history, so a retried create sends the password it may already have set.
      const password = await local.generateSipPassword();
      const { value } = await ensureCredential(saga, {
        accountSid,
        trunkSid,
        userName,
        password,
        friendlyName: credentialFriendlyNameFor(customerId),
      });
      progress.record('create-credential', { credentialId: value.id, userName });
      return { credentialId: value.id, password };
    });

    let aclEntryIds: string[] = [];
    if (!ops.input.providerIps?.length) {
      progress.mark('allowlist-ips', 'skipped');
    } else {
      aclEntryIds = await ops.step('allowlist-ips', async ({ providerIps = [] }) => {
        const ids: string[] = [];
        for (const ip of providerIps) {
          const { value } = await ensureAclEntry(saga, { accountSid, trunkSid, ip: bareIp(ip) });
          ids.push(value.id);
          progress.record('allowlist-ips', { aclEntryIds: [...ids] });
        }
        return ids;
      });
    }

    let platformSide = side.mode === 'manual' && side.reason ? manualSide(side) : undefined;
    if (side.mode === 'api') {
      const edge = account.sipEdge;
      const objects = await ensureOutboundOnPlatform(saga, platformStepRunner({ ops, progress }), side.account, { exotel: { accountSid, edge }, userName, password });
      await ops.step('cross-check', async (asked) => {
        if (edge) await crossCheckOutboundSide(side.account, objects, { edge, userName, dids: didsOf(asked) });
      });
      const unverified = UNVERIFIABLE[side.account.provider];
      platformSide = { mode: 'api', provider: side.account.provider, account: side.account.name, objects, ...(unverified ? { unverified } : {}) };
    }

    progress.setPhase('succeeded');
    const result: OutboundSetupResult = {
      did: ops.input.did,
      ...(ops.input.dids ? { dids: ops.input.dids } : {}),
      trunkSid,
      trunkName: trunk.trunkName,
      ...mappingResult(mappingIds),
      credentialId,
      aclEntryIds,
      sipEdge: account.sipEdge,
      sipDomain: account.sipDomain,
      sipUserName: userName,
      sipPassword: password,
      ...(platformSide ? { platformSide } : {}),
    };
    await handOverToLine('outbound', ops.input, trunk, {
      mappingIds,
      credential: { id: credentialId, userName },
      aclEntries: (ops.input.providerIps ?? []).map((ip, i) => ({ id: aclEntryIds[i] ?? '', ip: bareIp(ip) })),
      ...platformOfLine(platformSide),
    });
    return { ...result, ...handoffFor({ direction: 'outbound', input: ops.input, result }) };
  });
}
