// trunkctl outbound | inbound: start a customer's setup (or attach to it), optionally wait and print the result.
import { Command } from '@commander-js/extra-typings';
import { DEFAULT_OPS_DECISION_TIMEOUT, type Direction } from '../../domain/setup';
import { parseSetupRequest } from '../../domain/setup-request';
import type { AwaitingOps } from '../../domain/setup';
import type { InboundSetupResult, OutboundSetupResult } from '../../domain/setup-result';
import type { StartedSetup } from '../../client/setups';
import { collect, durationFlag, ExitCodes, keyValues, required, taskQueueOf, withClient, withConnectionFlags, type ConnectionFlags, type ExitCode } from '../context';
import { formatResult } from '../format';

interface StartFlags extends ConnectionFlags {
  customer?: string;
  account?: string;
  did?: string[];
  provider?: string;
  providerField?: string[];
  providerSide?: string;
  platformAccount?: string;
  opsTimeout?: string;
  wait?: true;
  waitForDecision?: true;
  reveal?: true;
  providerIp?: string[];
  allowAclWithDigest?: true;
  destination?: string[];
  trunkSid?: string;
  probe?: string;
}

function common(name: Direction, description: string) {
  return withConnectionFlags(
    new Command(name)
      .description(description)
      .option('--customer <id>', "required: the platform's customer id (trunk names and the workflow id derive from it)")
      .option('--account <sid>', 'required: the Exotel account sid (its key and token are on the worker)')
      .option('--did <e164>', 'required: the ExoPhone in E.164, e.g. +919876543210; repeat it for a customer with several numbers (one trunk)', collect)
      .option('--provider <id>', 'the voice-AI platform (trunkctl providers lists them)')
      .option('--provider-field <name=value>', "one of the platform's fields; repeatable", collect)
      .option('--provider-side <api|manual>', "who configures the platform's side: api (this setup, where the platform has one and the worker an account; the default there) or manual (the handoff sheet)")
      .option('--platform-account <name>', "which of the worker's accounts on the platform serves the customer (default its only one)")
      .option('--ops-timeout <duration>', `how long a failed step waits for an operator (default ${DEFAULT_OPS_DECISION_TIMEOUT}; 0 rolls back at once)`)
      .option('--wait', 'wait for the setup to end and print its result; stop (exit 3) if it waits for an operator')
      .option('--wait-for-decision', 'with --wait: keep waiting while the setup waits for an operator')
      .option('--reveal', 'show the SIP password in the result (masked otherwise)'),
  );
}

export const outboundCommand = common('outbound', 'set up calls from the voice-AI platform to the phone network')
  .option('--provider-ip <ip>', "a static /32 egress IP of the platform to allowlist; repeatable", collect)
  .option('--allow-acl-with-digest', 'allow an IP allowlist next to digest credentials (Exotel advises against it)')
  .addHelpText(
    'after',
    `
Examples:
  trunkctl outbound --customer acme-42 --account acme_in --did +919800000001 --wait
  trunkctl outbound --customer acme-42 --account acme_in --did +919800000001 --provider livekit \\
      --provider-field subdomain=acme --provider-field region=india --wait --reveal`,
  )
  .action((flags) => start('outbound', flags));

export const inboundCommand = common('inbound', 'set up calls from the phone network to the voice-AI platform')
  .option('--destination <host:port;transport=tls|tcp>', 'where Exotel sends the calls (a provider fills it in); repeatable', collect)
  .option('--trunk-sid <sid>', 'an existing trunk to put the DID on (default: create one)')
  .option('--probe <warn|require|off>', 'check each destination answers SIP before Exotel is told it: warn (default) records the verdict, require stops for ops when one does not, off skips it')
  .addHelpText(
    'after',
    `
Examples:
  trunkctl inbound --customer acme-42 --account acme_in --did +919800000002 \\
      --destination 'acme.sip.example.com:5061;transport=tls' --wait
  trunkctl inbound --customer acme-42 --account acme_in --did +919800000002 --provider livekit \\
      --provider-field subdomain=acme --wait`,
  )
  .action((flags) => start('inbound', flags));

/** One `--did` is `did`; several are `dids`, the first of them the caller id. */
function didsFlag(dids: string[] | undefined): { did: string } | { dids: string[] } {
  const [first, ...more] = dids ?? [];
  if (first === undefined) return { did: required('did', undefined) };
  return more.length === 0 ? { did: first } : { dids: [first, ...more] };
}

async function start(direction: Direction, flags: StartFlags): Promise<void> {
  process.exitCode = await startCommand(direction, flags);
}

async function startCommand(direction: Direction, flags: StartFlags): Promise<ExitCode> {
  const request = parseSetupRequest({
    direction,
    customerId: required('customer', flags.customer),
    exotelAccountSid: required('account', flags.account),
    ...didsFlag(flags.did),
    ...(flags.provider !== undefined ? { provider: flags.provider } : {}),
    ...(flags.providerField ? { providerFields: keyValues('provider-field', flags.providerField) } : {}),
    ...(flags.providerSide !== undefined ? { providerSide: flags.providerSide } : {}),
    ...(flags.platformAccount !== undefined ? { platformAccount: flags.platformAccount } : {}),
    ...(flags.opsTimeout !== undefined ? { opsDecisionTimeout: durationFlag(flags.opsTimeout) } : {}),
    ...(direction === 'outbound'
      ? { ...(flags.providerIp ? { providerIps: flags.providerIp } : {}), ...(flags.allowAclWithDigest ? { allowAclWithDigest: true } : {}) }
      : { destinations: flags.destination ?? [], ...(flags.trunkSid !== undefined ? { trunkSid: flags.trunkSid } : {}), ...(flags.probe !== undefined ? { probe: flags.probe } : {}) }),
  });

  return withClient(flags, async (client) => {
    const { startSetup } = await import('../../client/setups.js');
    const started = await startSetup(client, request, { taskQueue: taskQueueOf(flags) });
    const note = started.alreadySucceeded ? 'already set up (not started again)' : 'started';
    if (!flags.wait) {
      if (flags.json) console.log(JSON.stringify({ workflowId: started.workflowId, alreadySucceeded: started.alreadySucceeded }));
      else console.log(`${direction} setup ${note}: workflow ${started.workflowId}`);
      return 0;
    }
    if (!flags.json) console.log(`${direction} setup ${note}: workflow ${started.workflowId}; waiting…`);
    const ended = await untilEndedOrAwaitingOps(started.handle, { throughDecisions: !!flags.waitForDecision, json: !!flags.json });
    if ('awaiting' in ended) {
      const a = ended.awaiting;
      const commands = [`trunkctl retry ${request.input.customerId} --direction ${direction}`, `trunkctl rollback ${request.input.customerId} --direction ${direction}`];
      if (flags.json) console.log(JSON.stringify({ workflowId: started.workflowId, awaitingOps: a, commands }));
      else {
        console.log(`setup waits for an operator: step ${a.step} failed: ${a.error}`);
        console.log(`it rolls back by itself at ${a.rollsBackAt} unless someone decides:`);
        for (const c of commands) console.log(`  ${c}`);
        if (a.correctable.length) console.log(`  (a retry may correct: ${a.correctable.join(', ')}; see trunkctl retry --help)`);
      }
      return ExitCodes.awaitingOps;
    }
    if ('result' in ended) {
      console.log(formatResult(direction, ended.result, { json: !!flags.json, reveal: !!flags.reveal, workflowId: started.workflowId }));
      return ExitCodes.done;
    }
    console.log(flags.json ? JSON.stringify({ workflowId: started.workflowId, error: ended.failed }) : `setup failed: ${ended.failed}`);
    return ExitCodes.failed;
  });
}

/** How often --wait looks at the setup's status while it runs. */
const STATUS_POLL_MS = 1_000;

/** Waits for the setup's result, or until it waits for an operator (unless told to wait through that too). */
async function untilEndedOrAwaitingOps(
  handle: StartedSetup['handle'],
  { throughDecisions, json }: { throughDecisions: boolean; json: boolean },
): Promise<{ result: OutboundSetupResult | InboundSetupResult } | { failed: string } | { awaiting: AwaitingOps }> {
  const [{ WorkflowFailedError }, { statusQuery }] = await Promise.all([import('@temporalio/client'), import('../../workflows/progress.js')]);
  const outcome = handle.result().then(
    (result) => ({ result }),
    (err: unknown) => {
      if (!(err instanceof WorkflowFailedError)) throw err;
      return { failed: err.cause?.message ?? err.message };
    },
  );
  let announced = false;
  for (;;) {
    const ended = await Promise.race([outcome, sleep(STATUS_POLL_MS)]);
    if (ended) return ended;
    const status = await handle.query(statusQuery).catch(() => undefined);
    if (status?.awaitingOps) {
      if (!throughDecisions) return { awaiting: status.awaitingOps };
      if (!announced && !json) console.log(`waiting for an operator's decision on step ${status.awaitingOps.step} (${status.awaitingOps.error})…`);
      announced = true;
    }
  }
}

const sleep = (ms: number) => new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), ms));
