// Voice AI → Exotel → PSTN: trunk, DID, digest credentials, and an ACL entry per static provider IP when given.
import { setHandler } from '@temporalio/workflow';
import { credentialFriendlyNameFor, sipUserNameFor, trunkNameFor } from '../domain/naming';
import type { OutboundSetupInput, OutboundSetupResult } from '../domain/setup';
import { validateOutboundSetup } from '../domain/validation';
import { exotel, local, undoExotel } from './activity-profiles';
import { createOrAdopt } from './create-or-adopt';
import { SetupProgress, statusQuery } from './progress';
import { Saga } from './saga';
import { rollBackAndFail, validateOrFail } from './setup-failure';
import { findAclEntry, findCredential, findMapping } from './lookups';

export async function outboundSetup(input: OutboundSetupInput): Promise<OutboundSetupResult> {
  const providerIps = input.providerIps ?? [];
  const progress = new SetupProgress('outbound', input.customerId, [
    'validate',
    'create-trunk',
    'map-did',
    'create-credential',
    'allowlist-ips',
  ]);
  setHandler(statusQuery, () => progress.snapshot());
  validateOrFail(progress, () => validateOutboundSetup(input));

  const accountSid = input.exotelAccountSid;
  const saga = new Saga();
  try {
    // The account must be configured on the worker before anything is created with it.
    const account = await progress.run('validate', () => local.describeAccount({ accountSid }));

    const trunkName = trunkNameFor(input.customerId, 'outbound');
    const trunk = await progress.run('create-trunk', async () => {
      const { value } = await createOrAdopt({
        saga,
        step: 'create-trunk',
        create: () => exotel.createTrunk({ accountSid, trunkName }),
        find: () => exotel.findTrunk({ accountSid, trunkName }),
        undo: async (known) => {
          const trunkSid = known?.trunkSid ?? (await undoExotel.findTrunk({ accountSid, trunkName }))?.trunkSid;
          if (!trunkSid) return null;
          await undoExotel.deleteTrunk({ accountSid, trunkSid });
          return `deleted trunk ${trunkSid} (${trunkName})`;
        },
        preexisting: { adopt: true },
      });
      progress.record('create-trunk', { trunkSid: value.trunkSid, trunkName });
      return value;
    });
    const { trunkSid } = trunk;

    const mapping = await progress.run('map-did', async () => {
      const { value } = await createOrAdopt({
        saga,
        step: 'map-did',
        create: () => exotel.mapPhoneNumber({ accountSid, trunkSid, phoneNumber: input.did }),
        find: async () => findMapping(accountSid, trunkSid, input.did, exotel),
        undo: async (known) => {
          const id = known?.id ?? (await findMapping(accountSid, trunkSid, input.did, undoExotel))?.id;
          if (!id) return null;
          await undoExotel.deletePhoneNumber({ accountSid, trunkSid, id });
          return `unmapped ${input.did} (mapping ${id})`;
        },
        preexisting: { adopt: true },
      });
      progress.record('map-did', { mappingId: value.id });
      return value;
    });

    const userName = sipUserNameFor(input.customerId);
    const { credential, password } = await progress.run('create-credential', async () => {
      // Generated once and kept in history, so a retried create sends the same password it may already have set.
      const password = await local.generateSipPassword();
      const { value } = await createOrAdopt({
        saga,
        step: 'create-credential',
        create: () =>
          exotel.createCredential({
            accountSid,
            trunkSid,
            userName,
            password,
            friendlyName: credentialFriendlyNameFor(input.customerId),
          }),
        find: async () => findCredential(accountSid, trunkSid, userName, exotel),
        undo: async (known) => {
          const id = known?.id ?? (await findCredential(accountSid, trunkSid, userName, undoExotel))?.id;
          if (!id) return null;
          await undoExotel.deleteCredential({ accountSid, trunkSid, id });
          return `deleted credential ${userName} (${id})`;
        },
        preexisting: {
          adopt: false,
          conflict:
            `digest user ${userName} already exists on trunk ${trunkSid} and its password is not known to this ` +
            'setup; delete that credential (or the trunk) first, or keep using the existing one',
        },
      });
      progress.record('create-credential', { credentialId: value.id, userName });
      return { credential: value, password };
    });

    const aclEntryIds: string[] = [];
    if (providerIps.length === 0) {
      progress.mark('allowlist-ips', 'skipped');
    } else {
      await progress.run('allowlist-ips', async () => {
        for (const rawIp of providerIps) {
          const ip = rawIp.replace(/\/32$/, '');
          const { value } = await createOrAdopt({
            saga,
            step: 'allowlist-ips',
            create: () => exotel.addWhitelistedIp({ accountSid, trunkSid, ip }),
            find: async () => findAclEntry(accountSid, trunkSid, ip, exotel),
            undo: async (known) => {
              const id = known?.id ?? (await findAclEntry(accountSid, trunkSid, ip, undoExotel))?.id;
              if (!id) return null;
              await undoExotel.deleteWhitelistedIp({ accountSid, trunkSid, id });
              return `removed ${ip} from the allowlist (${id})`;
            },
            preexisting: { adopt: true },
          });
          aclEntryIds.push(value.id);
          progress.record('allowlist-ips', { aclEntryIds: [...aclEntryIds] });
        }
      });
    }

    progress.setPhase('succeeded');
    return {
      did: input.did,
      trunkSid,
      trunkName: trunk.trunkName,
      phoneNumberMappingId: mapping.id,
      credentialId: credential.id,
      aclEntryIds,
      sipEdge: account.sipEdge,
      sipDomain: account.sipDomain,
      sipUserName: userName,
      sipPassword: password,
    };
  } catch (err) {
    return rollBackAndFail('outbound', input.customerId, progress, saga, err);
  }
}
