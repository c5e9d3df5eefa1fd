// A local, faithful model of Exotel's v2 SIP-trunk API. It imports nothing else of the project, so tests of
// the project's client against it test the client, not a shared assumption.

export { startSimulator } from './server';
export { DEMO_ACCOUNT } from './demo-account';
export { SimulatorAdmin } from './admin-client';
export { runSimulatorCli } from './main';
export { SimulatorOptionError } from './options';
export { parseFaultSpec } from './faults';
export { REGION_HOSTS } from './auth';
export { momentsWithout, unroutedMoments, type CountKind, type TimelineInput } from './moments';
export type {
  ActiveFault,
  AccountState,
  Credential,
  DeleteStyle,
  DestinationUri,
  FaultKind,
  FaultSpec,
  LoggedRequest,
  NumberRoute,
  PhoneNumberMapping,
  RateLimitConfig,
  RequestLogFilter,
  RunningSimulator,
  SimulatorAccount,
  SimulatorOptions,
  SimulatorRegion,
  SimulatorState,
  SimulatorTimeline,
  TimelineEntry,
  TimelineFilter,
  TimelineKind,
  TimelineOperation,
  TimelineValues,
  Trunk,
  TrunkCounts,
  TrunkSetting,
  TrunkState,
  WhitelistedIp,
} from './types';
