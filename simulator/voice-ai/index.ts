// Local stand-ins, over real HTTP, for the voice-AI platform APIs the project drives through their official SDKs:
// point the SDK's base-URL option at `url` and give it `apiKey`. See README.md next to this file.

export { startRetellStandIn, type RetellState, type RetellStoredNumber } from './retell';
export { startElevenLabsStandIn, type ElevenLabsState, type ElevenLabsStoredNumber } from './elevenlabs';
export { startBolnaStandIn, type BolnaState, type BolnaStoredTrunk, type BolnaStandInOptions } from './bolna';
export { startDailyStandIn, type DailyState, type DailyStoredTrunk, type DailyStandInOptions } from './daily';
export { startSmallestStandIn, type AtomsState, type AtomsStoredNumber } from './smallest';
export type { RunningStandIn, SeededAgent, StandInAdmin, StandInOptions, StandInState } from './stand-in';
