// Optional persistence: the store as one JSON file, replaced atomically (write a temp file, then rename)
// so a crash mid-write never leaves a torn state behind.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { StoreData } from './store';

export function loadStateFile(path: string): StoreData | null {
  if (!existsSync(path)) return null;
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`state file ${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const candidate = data as Partial<StoreData> | null;
  if (candidate?.version !== 1 || typeof candidate.next_id !== 'number' || typeof candidate.accounts !== 'object') {
    throw new Error(`state file ${path} is not a simulator state (expected {version: 1, next_id, accounts})`);
  }
  return candidate as StoreData;
}

export function saveStateFile(path: string, data: StoreData): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}
