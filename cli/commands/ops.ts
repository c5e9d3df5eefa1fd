// trunkctl list | show | retry | rollback | handoff: what ops do with setups that exist.
import { Command } from '@commander-js/extra-typings';
import { setupWorkflowId } from '../../domain/naming';
import { handoffSheetJson, renderHandoffSheet } from '../../domain/providers';
import { SETUP_STATES, type SetupState } from '../../domain/search-attributes';
import type { Direction, OpsAction, OpsDecision, SetupCorrections } from '../../domain/setup';
import type { InboundSetupResult, OutboundSetupResult } from '../../domain/setup-result';
import { DEFAULT_LIST_LIMIT } from '../../client/list-limit';
import { collect, directionFlag, UsageError, wholeNumberFlag, withClient, withConnectionFlags } from '../context';
import { formatListing, formatStatus, revealing } from '../format';

const directionOption = ['--direction <outbound|inbound>', 'which of the customer’s setups (default: both, or the one that fits)'] as const;

export const listCommand = withConnectionFlags(
  new Command('list')
    .description('setups by state, direction or account (from Temporal visibility)')
    .option('--state <state>', `one of ${SETUP_STATES.join(', ')}`)
    .option(...directionOption)
    .option('--account <sid>', 'setups of one Exotel account')
    .option('--limit <n>', `at most this many rows (default ${DEFAULT_LIST_LIMIT})`),
)
  .addHelpText('after', '\nExamples:\n  trunkctl list --state awaiting-ops\n  trunkctl list --account acme_in --json')
  .action(async (flags) => {
    const state = flags.state;
    if (state !== undefined && !(SETUP_STATES as readonly string[]).includes(state)) {
      throw new UsageError(`--state ${state}: must be one of ${SETUP_STATES.join(', ')}`);
    }
    const limit = wholeNumberFlag('limit', flags.limit) ?? DEFAULT_LIST_LIMIT;
    const filter = { state: state as SetupState | undefined, direction: directionFlag(flags.direction), exotelAccount: flags.account };
    await withClient(flags, async (client) => {
      const { listSetups } = await import('../../client/ops.js');
      const rows = await listSetups(client, filter, limit);
      console.log(flags.json ? JSON.stringify(rows) : formatListing(rows));
    });
  });

export const showCommand = withConnectionFlags(
  new Command('show')
    .alias('status')
    .description("a customer's setups: each step, its error, what it created, and what ops may decide")
    .argument('<customer>', 'the customer id')
    .option(...directionOption),
)
  .addHelpText('after', '\nExample:\n  trunkctl show acme-42 --direction outbound')
  .action(async (customerId, flags) => {
    const direction = directionFlag(flags.direction);
    const directions: Direction[] = direction ? [direction] : ['outbound', 'inbound'];
    process.exitCode = await withClient(flags, async (client) => {
      const { describeSetup } = await import('../../client/setups.js');
      const found = [];
      for (const d of directions) {
        try {
          found.push(await describeSetup(client, d, customerId));
        } catch (err) {
          if ((err as Error).name !== 'WorkflowNotFoundError') throw err;
        }
      }
      if (flags.json) console.log(JSON.stringify(found));
      else if (found.length === 0) console.log(`no setup found for customer ${customerId}`);
      else {
        for (const s of found) {
          console.log(`${s.workflowId}: ${s.execution}`);
          console.log(s.status ? formatStatus(s.status) : '  (steps unavailable: no worker answered the status query)');
        }
      }
      return found.length === 0 ? 1 : 0;
    });
  });

export const retryCommand = withConnectionFlags(
  new Command('retry')
    .description('a setup awaiting ops: run the failed step again, optionally with corrected input')
    .argument('<customer>', 'the customer id')
    .option(...directionOption)
    .option('--did <e164>', 'a corrected DID; repeat it for all of a customer\'s numbers', collect)
    .option('--destination <uri>', 'corrected destinations (all of them); repeatable', collect)
    .option('--provider-ip <ip>', 'corrected provider IPs (all of them); repeatable', collect)
    .option('--trunk-sid <sid>', 'a corrected trunk')
    .option('--note <text>', 'who decided and why (kept in the setup’s status)'),
)
  .addHelpText('after', '\nExamples:\n  trunkctl retry acme-42\n  trunkctl retry acme-42 --direction inbound --did +919800000003 --note "number was wrong"')
  .action(async (customerId, flags) => {
    // Pasted values arrive with spaces and line ends around them, as at every other edge (domain/setup-request.ts).
    const corrections: SetupCorrections = {
      ...(flags.did?.length === 1 ? { did: (flags.did[0] as string).trim() } : flags.did ? { dids: flags.did.map((d) => d.trim()) } : {}),
      ...(flags.destination ? { destinations: flags.destination.map((d) => d.trim()) } : {}),
      ...(flags.providerIp ? { providerIps: flags.providerIp.map((ip) => ip.trim()) } : {}),
      ...(flags.trunkSid !== undefined ? { trunkSid: flags.trunkSid.trim() } : {}),
    };
    process.exitCode = await decideCommand('retry', customerId, flags, corrections);
  });

export const rollbackCommand = withConnectionFlags(
  new Command('rollback')
    .description('a setup awaiting ops: undo what it created and end it')
    .argument('<customer>', 'the customer id')
    .option(...directionOption)
    .option('--note <text>', 'who decided and why (kept in the setup’s status)'),
)
  .addHelpText('after', '\nExample:\n  trunkctl rollback acme-42 --note "customer cancelled"')
  .action(async (customerId, flags) => {
    process.exitCode = await decideCommand('rollback', customerId, flags, {});
  });

async function decideCommand(
  action: OpsAction,
  customerId: string,
  flags: Parameters<typeof withClient>[0] & { direction?: string; note?: string },
  corrections: SetupCorrections,
): Promise<0 | 1> {
  const decision: OpsDecision = {
    action,
    ...(Object.keys(corrections).length ? { corrections } : {}),
    ...(flags.note ? { note: flags.note } : {}),
  };
  const asked = directionFlag(flags.direction);
  return withClient(flags, async (client) => {
    const [{ WorkflowUpdateFailedError }, { decide, setupAwaitingOps }] = await Promise.all([import('@temporalio/client'), import('../../client/ops.js')]);
    const direction = await setupAwaitingOps(client, customerId, asked);
    const workflowId = setupWorkflowId(direction, customerId);
    let outcome: string;
    try {
      outcome = await decide(client, direction, customerId, decision);
    } catch (err) {
      // The workflow's validator refused the decision: its reason is the cause.
      if (!(err instanceof WorkflowUpdateFailedError)) throw err;
      const reason = err.cause?.message ?? err.message;
      console.log(flags.json ? JSON.stringify({ workflowId, refused: reason }) : `refused: ${reason}`);
      return 1;
    }
    console.log(flags.json ? JSON.stringify({ workflowId, outcome }) : `${direction} setup for ${customerId}: ${outcome}`);
    return 0;
  });
}

export const handoffCommand = withConnectionFlags(
  new Command('handoff')
    .description("print a succeeded setup's handoff sheet again: what to enter where on the platform")
    .argument('<customer>', 'the customer id')
    .option(...directionOption)
    .option('--reveal', 'show the SIP password (masked otherwise)'),
)
  .addHelpText('after', '\nExample:\n  trunkctl handoff acme-42 --direction outbound --reveal')
  .action(async (customerId, flags) => {
    const direction = directionFlag(flags.direction);
    process.exitCode = await withClient(flags, async (client) => {
      let printed = 0;
      for (const d of direction ? [direction] : (['outbound', 'inbound'] as const)) {
        const handle = client.workflow.getHandle(setupWorkflowId(d, customerId));
        const described = await handle.describe().catch(() => undefined);
        if (described?.status.name !== 'COMPLETED') continue;
        const result = (await handle.result()) as OutboundSetupResult | InboundSetupResult;
        if (!result.handoff) continue;
        const revealed = revealing(d, result, !!flags.reveal);
        console.log(flags.json ? JSON.stringify(handoffSheetJson(result.handoff, revealed)) : renderHandoffSheet(result.handoff, revealed));
        printed++;
      }
      if (printed === 0) console.error(`no succeeded setup of customer ${customerId} names a provider`);
      return printed ? 0 : 1;
    });
  });
