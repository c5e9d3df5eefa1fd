// Setups by state and provider, read from Temporal visibility rather than counted in workflow code: the workflow
// stays untouched, and the numbers are right however many processes run. Run it in one process only.
import { SearchAttributes } from '../domain/search-attributes';
import { SETUP_STATES } from '../domain/search-attributes';
import { PROVIDER_LABELS, type ProjectMetrics } from './metrics';

export interface SetupStateGaugeOptions {
  metrics: ProjectMetrics;
  /** A visibility count, e.g. `(q) => client.workflow.count(q).then((r) => r.count)`. */
  count: (query: string) => Promise<number>;
  /** Default 60 s; each refresh is one count per state and provider. */
  intervalMs?: number;
  /** A failed refresh keeps the last numbers; it is reported here (no secrets: the message is Temporal's). */
  onError?: (err: unknown) => void;
}

export interface SetupStateGauge {
  /** One refresh now; resolves when every count has been set. */
  refresh(): Promise<void>;
  stop(): void;
}

const SETUP_WORKFLOWS = "WorkflowType IN ('outboundSetup', 'inboundSetup')";

export function setupStateQuery(state: string, provider?: string): string {
  const clauses = [SETUP_WORKFLOWS, `${SearchAttributes.state.name} = '${state}'`];
  if (provider !== undefined) clauses.push(`${SearchAttributes.provider.name} = '${provider}'`);
  return clauses.join(' AND ');
}

export function startSetupStateGauge(o: SetupStateGaugeOptions): SetupStateGauge {
  let running: Promise<void> | undefined;
  const refreshOnce = async (): Promise<void> => {
    for (const state of SETUP_STATES) {
      const total = await o.count(setupStateQuery(state));
      let known = 0;
      for (const provider of PROVIDER_LABELS) {
        const n = await o.count(setupStateQuery(state, provider));
        known += n;
        o.metrics.setSetupCount(state, provider, n);
      }
      // A provider value outside the catalog (an older or newer client) still shows up.
      o.metrics.setSetupCount(state, 'other', Math.max(0, total - known));
    }
  };
  const refresh = (): Promise<void> => (running ??= refreshOnce().finally(() => (running = undefined)));
  const timer = setInterval(() => {
    refresh().catch((err: unknown) => o.onError?.(err));
  }, o.intervalMs ?? 60_000);
  timer.unref();
  refresh().catch((err: unknown) => o.onError?.(err));
  return { refresh, stop: () => clearInterval(timer) };
}
