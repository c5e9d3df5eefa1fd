// The handoff sheet's shape: what a setup's result carries and what the sheet builder (handoff.ts) fills in.
import type { Direction } from '../setup';
import type { ProviderId } from './catalog';

export interface HandoffEntry {
  label: string;
  value: string;
  secret?: boolean;
  note?: string;
}

export interface HandoffSection {
  title: string;
  /** The console page or API request where the entries go. */
  where: string;
  entries: HandoffEntry[];
}

export interface HandoffSheet {
  provider: ProviderId;
  providerName: string;
  direction: Direction;
  sections: HandoffSection[];
  exotelConsoleSteps: string[];
  pitfalls: string[];
}
