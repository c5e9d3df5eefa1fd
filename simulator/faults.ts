// Injected failures, so clients can prove their retries, timeouts and idempotency against the faults
// a real network and a real Exotel produce.

import type { SeededRandom } from './random';
import type { ActiveFault, FaultKind, FaultSpec } from './types';

const KINDS: FaultKind[] = ['status', 'latency', 'commit-then-fail', 'drop'];
const FIELDS = new Set(['method', 'path', 'account', 'kind', 'status', 'retryAfterSeconds', 'latencyMs', 'then', 'count', 'probability']);

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** Validates untrusted input (admin API body, --fault flag) into a FaultSpec, or throws naming the rule broken. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('a fault must be a JSON object');
  const f = input as Record<string, unknown>;
  const fail = (field: string, rule: string): never => {
    throw new Error(`fault.${field} ${rule} (got ${JSON.stringify(f[field])})`);
  };
  for (const key of Object.keys(f)) if (!FIELDS.has(key)) fail(key, `is not a fault field; known: ${[...FIELDS].join(', ')}`);

  if (!KINDS.includes(f.kind as FaultKind)) fail('kind', `must be one of ${KINDS.join(', ')}`);
  const kind = f.kind as FaultKind;
  if (typeof f.path !== 'string') fail('path', 'must be a regular expression source string');
  try {
    new RegExp(f.path as string);
  } catch {
    fail('path', 'must be a valid regular expression');
  }
  if (f.method !== undefined && (typeof f.method !== 'string' || !/^[A-Za-z]+$/.test(f.method))) fail('method', 'must be an HTTP method');
  if (f.account !== undefined && typeof f.account !== 'string') fail('account', 'must be an account sid');
  if (kind === 'status' ? !isInt(f.status, 400, 599) : f.status !== undefined) {
    fail('status', kind === 'status' ? 'must be an integer 400–599' : "is only for kind 'status'");
  }
  if (f.retryAfterSeconds !== undefined && !(kind === 'status' && f.status === 429 && isInt(f.retryAfterSeconds, 0, 86_400))) {
    fail('retryAfterSeconds', "is only for a 429 'status' fault, an integer 0–86400");
  }
  if (kind === 'latency' ? !isInt(f.latencyMs, 0, 600_000) : f.latencyMs !== undefined) {
    fail('latencyMs', kind === 'latency' ? 'must be an integer 0–600000' : "is only for kind 'latency'");
  }
  if (f.then !== undefined && !(kind === 'commit-then-fail' && (f.then === 'drop' || isInt(f.then, 400, 599)))) {
    fail('then', "is only for kind 'commit-then-fail': an integer 400–599 or \"drop\"");
  }
  if (f.count !== undefined && !isInt(f.count, 0, Number.MAX_SAFE_INTEGER)) fail('count', 'must be an integer ≥ 0 (0 = unlimited)');
  if (f.probability !== undefined && !(typeof f.probability === 'number' && f.probability >= 0 && f.probability <= 1)) {
    fail('probability', 'must be a number 0–1');
  }
  return f as unknown as FaultSpec;
}

export interface FaultTarget {
  method: string;
  path: string;
  account: string | null;
}

export class FaultRegistry {
  private faults: (ActiveFault & { regex: RegExp })[] = [];
  private nextId = 1;

  constructor(private readonly random: SeededRandom) {}

  add(spec: FaultSpec): ActiveFault {
    const count = spec.count ?? 1;
    const fault = { ...spec, id: `f${this.nextId++}`, remaining: count === 0 ? null : count, regex: new RegExp(spec.path) };
    this.faults.push(fault);
    return strip(fault);
  }

  list(): ActiveFault[] {
    return this.faults.map(strip);
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault (in insertion order) that hits this request, with its count spent; null if none. */
  take(target: FaultTarget): ActiveFault | null {
    for (const fault of this.faults) {
      if (fault.method !== undefined && fault.method.toUpperCase() !== target.method) continue;
      if (fault.account !== undefined && fault.account !== target.account) continue;
      if (!fault.regex.test(target.path)) continue;
      if (fault.probability !== undefined && fault.probability < 1 && this.random.next() >= fault.probability) continue;
      if (fault.remaining !== null) {
        fault.remaining--;
        if (fault.remaining === 0) this.remove(fault.id);
      }
      return strip(fault);
    }
    return null;
  }
}

function strip(fault: ActiveFault & { regex: RegExp }): ActiveFault {
  const { regex: _regex, ...rest } = fault;
  return rest;
}
