/**
 * A resolved MeshFaultInjection conf as Envoy fault filters: one filter per
 * `http[]` entry, in list order, so each fault applies to what the earlier
 * ones let through (as Kuma does).
 */
import { durationMs } from '../core/index.js';
import { bandwidthKbps } from './bandwidth.js';
import type { FaultInput } from '../../xds/generate/index.js';
import type { FaultInjectionConf, MeshFaultInjectionConf } from './schema.js';

/** Envoy's fault filter aborts with a status from 200 to 599 (PGV on FaultAbort.http_status). */
const MIN_ABORT_STATUS = 200;

/** Percentages come as numbers or decimal strings ("2.5"). */
const share = (percentage: number | string): number => Number(percentage);

/** Which parts of a fault the data plane honours; the rest is reported through `warn`. */
export interface FaultSupport {
  readonly responseBandwidth: boolean;
}

/** One `http[]` entry as fault filter input; undefined when nothing of it can be applied. */
function faultInput(
  fault: FaultInjectionConf,
  at: string,
  support: FaultSupport,
  warn: (message: string) => void,
): FaultInput | undefined {
  const input: { -readonly [K in keyof FaultInput]: FaultInput[K] } = {};
  if (fault.abort) {
    if (fault.abort.httpStatus >= MIN_ABORT_STATUS)
      input.abort = { httpStatus: fault.abort.httpStatus, percentage: share(fault.abort.percentage) };
    else
      warn(
        `${at}.abort not applied: Envoy aborts with a status from ${MIN_ABORT_STATUS} to 599, not ${fault.abort.httpStatus}`,
      );
  }
  // A zero delay delays nothing, and Envoy rejects it (fixed_delay must be greater than 0).
  if (fault.delay && durationMs(fault.delay.value) > 0)
    input.delay = { delayMs: durationMs(fault.delay.value), percentage: share(fault.delay.percentage) };
  if (fault.responseBandwidth) {
    if (!support.responseBandwidth)
      warn(`${at}.responseBandwidth not applied: grpc-js-xds's fault filter only aborts and delays`);
    else if (bandwidthKbps(fault.responseBandwidth.limit) === 0)
      warn(`${at}.responseBandwidth not applied: Envoy needs a limit of at least 1kbps`);
    else
      input.responseRateLimit = {
        limitKbps: bandwidthKbps(fault.responseBandwidth.limit),
        percentage: share(fault.responseBandwidth.percentage),
      };
  }
  return Object.keys(input).length > 0 ? input : undefined;
}

/** The fault filters' inputs for a resolved conf (`where` names it in warnings, e.g. `from`). */
export function faultInputs(
  conf: unknown,
  where: string,
  support: FaultSupport,
  warn: (message: string) => void,
): FaultInput[] {
  const http = (conf as MeshFaultInjectionConf | undefined)?.http ?? [];
  return http.flatMap((fault, i) => faultInput(fault, `${where}.http[${i}]`, support, warn) ?? []);
}
