// npm run chaos -- [--customers 200] [--seed 1] [--kill-every 5] [--server-restarts 1] [--keep-histories DIR] [--json]
// Exits 1 on any duplicate, orphan or missing resource, or a setup planned to fail that succeeded. A setup that
// failed for good under the faults is fine as long as it left nothing behind: it is listed, not fatal.
import { parseArgs } from 'node:util';
import { DEFAULT_CHAOS, runChaos, type ChaosReport } from './run';

function positiveInt(flag: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${flag} ${value}: must be an integer ≥ ${min}`);
  return n;
}

function print(r: ChaosReport): void {
  const lines = [
    `customers        ${r.customers} (${r.outbound} outbound, ${r.inbound} inbound)`,
    `succeeded        ${r.succeeded}`,
    `failed for good  ${r.failed} (${r.plannedFailures} planned, ${r.unplannedFailures.length} not)`,
    `exotel requests  ${r.requests}`,
    `faults injected  ${Object.entries(r.faults).map(([k, n]) => `${k}: ${n}`).join(', ') || 'none'}`,
    `worker kills     ${r.kills} (SIGKILL; ${r.workerStarts} worker starts in all)`,
    `server restarts  ${r.serverRestarts}`,
    `duplicates       ${r.duplicates.length}`,
    `orphans          ${r.orphans.length}`,
    `missing          ${r.missing.length}`,
    `wall time        ${r.wallSeconds} s`,
  ];
  console.log(lines.join('\n'));
  for (const [title, items] of [
    ['duplicates', r.duplicates],
    ['orphans', r.orphans],
    ['missing', r.missing],
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
  });
  if (values.json) console.log(JSON.stringify(report, null, 2));
  else print(report);
  const clean = report.duplicates.length + report.orphans.length + report.missing.length + report.plannedButSucceeded.length === 0;
  return clean ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`chaos: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(2);
  },
);
