// Voice AI → Exotel → PSTN: trunk, DID, digest credentials, and an ACL entry per static provider IP when given.
import { setHandler } from '@temporalio/workflow';
import { credentialFriendlyNameFor, sipUserNameFor } from '../domain/naming';
import type { OutboundSetupInput, OutboundSetupResult } from '../domain/setup';
import { validateOutboundSetup } from '../domain/validation';
import { local } from './activity-profiles';
import { SetupProgress, statusQuery } from './progress';
import { ensureAclEntry, ensureCredential, ensureMapping, ensureTrunk } from './resources';
import { Saga } from './saga';
import { rollBackAndFail, validateOrFail } from './setup-failure';

export async function outboundSetup(input: OutboundSetupInput): Promise<OutboundSetupResult> {
  const { customerId, did } = input;
  const progress = new SetupProgress('outbound', customerId, ['validate', 'create-trunk', 'map-did', 'create-credential', 'allowlist-ips']);
  setHandler(statusQuery, () => progress.snapshot());
  validateOrFail(progress, () => validateOutboundSetup(input));

  const accountSid = input.exotelAccountSid;
  const saga = new Saga();
  try {
    // The account must be configured on the worker before anything is created with it.
    const account = await progress.run('validate', () => local.describeAccount({ accountSid }));

    const trunk = await progress.run('create-trunk', async () => {
      const t = await ensureTrunk(saga, { accountSid, customerId, direction: 'outbound', did });
      progress.record('create-trunk', { trunkSid: t.trunkSid, trunkName: t.trunkName });
      return t;
    });
    const { trunkSid } = trunk;

    const mapping = await progress.run('map-did', async () => {
      const { value } = await ensureMapping(saga, { accountSid, trunkSid, did });
      progress.record('map-did', { mappingId: value.id });
      return value;
    });

    const userName = sipUserNameFor(customerId);
    const { credentialId, password } = await progress.run('create-credential', async () => {
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

    const aclEntryIds: string[] = [];
    if (!input.providerIps?.length) {
      progress.mark('allowlist-ips', 'skipped');
    } else {
      await progress.run('allowlist-ips', async () => {
        for (const ip of input.providerIps ?? []) {
          const { value } = await ensureAclEntry(saga, { accountSid, trunkSid, ip: ip.replace(/\/32$/, '') });
          aclEntryIds.push(value.id);
          progress.record('allowlist-ips', { aclEntryIds: [...aclEntryIds] });
        }
      });
    }

    progress.setPhase('succeeded');
    return {
      did,
      trunkSid,
      trunkName: trunk.trunkName,
      phoneNumberMappingId: mapping.id,
      credentialId,
      aclEntryIds,
      sipEdge: account.sipEdge,
      sipDomain: account.sipDomain,
      sipUserName: userName,
      sipPassword: password,
    };
  } catch (err) {
    return rollBackAndFail('outbound', customerId, progress, saga, err);
  }
}
