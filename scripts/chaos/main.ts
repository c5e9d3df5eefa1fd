// npm run chaos -- [--customers 200] [--seed 1] [--kill-every 5] [--server-restarts 1] [--lifecycle-share 0.5]
//                   [--offboard-share 0.1] [--platform-share 0.3] [--keep-histories DIR] [--json]
// Exits 1 on any duplicate, orphan or missing (lost) resource on Exotel or on the platform (Retell), a platform
// number with the wrong fields, a setup planned to fail that succeeded, a moment a customer was unreachable while
// its credential, destinations or a DID changed, an operation that never answered, a line still busy at the end, or
// a secret in the worker's output or a request log. A setup or an operation that failed for good under the faults
// and rolled back is fine as long as it left nothing behind: it is listed, not fatal.
import { parseArgs } from 'node:util';
import { DEFAULT_CHAOS, runChaos, type ChaosReport } from './run';

function positiveInt(flag: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} ${value}: must be an integer ≥ ${min}`);
  return n;
}

function share(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new Error(`--${flag} ${value}: must be a number from 0 to 1`);
  return n;
}

/** "add-dids 9 done, 1 rolled-back; offboard 3 done" */
function operationsLine(operations: ChaosReport['lifecycle']['operations']): string {
  const kinds = Object.entries(operations).map(([kind, states]) => `${kind} ${Object.entries(states ?? {}).map(([state, n]) => `${n} ${state}`).join(', ')}`);
  return kinds.join('; ') || 'none';
}

/** "3 unknown-agent, 1 taken" */
const counted = (counts: Record<string, number>): string => Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ') || 'none';

function print(r: ChaosReport): void {
  const l = r.lifecycle;
  const p = r.platform;
  const lines = [
    `customers        ${r.customers} (${r.outbound} outbound, ${r.inbound} inbound)`,
    `succeeded        ${r.succeeded}`,
    `failed for good  ${r.failed} (${r.plannedFailures} planned, ${r.unplannedFailures.length} not)`,
    `exotel requests  ${r.requests}`,
    `faults injected  ${Object.entries(r.faults).map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'}`,
    `worker kills     ${r.kills} (SIGKILL; ${r.workerStarts} worker starts in all)`,
    `server restarts  ${r.serverRestarts}`,
    `day two          ${l.customers} customers (${l.outbound} outbound, ${l.inbound} inbound; ${l.offboards} offboarded) in ${l.wallSeconds} s, under ${l.kills} of the kills and ${l.serverRestarts} of the restarts`,
    `operations       ${operationsLine(l.operations)}`,
    `slowest          ${l.slowest}`,
    `update retries   ${l.retries} (calls that got no answer, sent again with the same operation id)`,
    `unanswered       ${l.unanswered.length}`,
    `task failures    ${Object.values(l.workflowTaskFailures).reduce((a, b) => a + b, 0)} (workflow tasks of the lines that failed, rather than timed out)`,
    `unreachable      ${r.unreachable.length} moments (timeline of ${r.momentsChecked.credentials} rotated trunks, ${r.momentsChecked.destinations} re-pointed trunks, ${r.momentsChecked.numbers} moved DIDs)`,
    `duplicates       ${r.duplicates.length}`,
    `orphans          ${r.orphans.length}`,
    `missing (lost)   ${r.missing.length}`,
    `unsettled lines  ${r.unsettled.length}`,
    `platform         ${p.customers} customers on Retell by API (${p.outbound} outbound, ${p.inbound} inbound; ${p.succeeded} succeeded; planned refusals: ${counted(p.planned)}; ${p.offboarded} offboarded)`,
    `retell requests  ${p.requests} (${p.numbers} numbers on Retell at the end)`,
    `retell faults    ${Object.entries(p.faults).map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'}`,
    `retell dups      ${p.duplicates.length}`,
    `retell orphans   ${p.orphans.length}`,
    `retell missing   ${p.missing.length}`,
    `retell wrong     ${p.mismatches.length} (numbers whose termination URI, transport, auth user or agents are not the setup's)`,
    `secrets leaked   ${r.leaks.length}`,
    `wall time        ${r.wallSeconds} s`,
  ];
  console.log(lines.join('\n'));
  for (const [title, items] of [
    ['unreachable moments', r.unreachable],
    ['duplicates', r.duplicates],
    ['orphans', r.orphans],
    ['missing (lost)', r.missing],
    ['unsettled lines', r.unsettled],
    ['duplicates on Retell', p.duplicates],
    ['orphans on Retell', p.orphans],
    ['missing (lost) on Retell', p.missing],
    ['wrong on Retell', p.mismatches],
    ['secrets leaked', r.leaks],
    ['operations that never answered', l.unanswered],
    ['update calls sent again, by why the first got no answer', Object.entries(l.retryReasons).map(([why, n]) => `${n}× ${why}`)],
    ['operations asked more than once', l.retried],
    ["workflow task failures in the lines' histories", Object.entries(l.workflowTaskFailures).map(([why, n]) => `${n}× ${why}`)],
    ['operations that failed for good under the faults (rolled back, or failed: see why)', l.undone],
    ['planned to fail, but succeeded', r.plannedButSucceeded],
    ['failed for good under the faults (rolled back)', r.unplannedFailures],
  ] as const) {
    if (items.length) console.log(`\n${title}:\n${items.map((i) => `  ${i}`).join('\n')}`);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string' },
      seed: { type: 'string' },
      'kill-every': { type: 'string' },
      'server-restarts': { type: 'string' },
      'keep-histories': { type: 'string' },
      'lifecycle-share': { type: 'string' },
      'offboard-share': { type: 'string' },
      'platform-share': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const report = await runChaos({
    customers: positiveInt('customers', values.customers, DEFAULT_CHAOS.customers),
    seed: positiveInt('seed', values.seed, DEFAULT_CHAOS.seed, 0),
    killEverySeconds: positiveInt('kill-every', values['kill-every'], DEFAULT_CHAOS.killEverySeconds, 0),
    serverRestarts: positiveInt('server-restarts', values['server-restarts'], DEFAULT_CHAOS.serverRestarts, 0),
    log: values.json ? () => {} : (line) => console.log(line),
    historiesDir: values['keep-histories'],
    lifecycleShare: share('lifecycle-share', values['lifecycle-share'], DEFAULT_CHAOS.lifecycleShare),
    offboardShare: share('offboard-share', values['offboard-share'], DEFAULT_CHAOS.offboardShare),
    platformShare: share('platform-share', values['platform-share'], DEFAULT_CHAOS.platformShare),
  });
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else print(report);
  const { platform } = report;
  const problems = [
    report.duplicates,
    report.orphans,
    report.missing,
    report.plannedButSucceeded,
    report.unreachable,
    report.unsettled,
    report.lifecycle.unanswered,
    platform.duplicates,
    platform.orphans,
    platform.missing,
    platform.mismatches,
    report.leaks,
  ];
  const clean = problems.every((p) => p.length === 0);
  return clean ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`chaos: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
