import { describe, expect, it } from 'vitest';
import { dataplaneStatus, servicesOf, type DataplaneOverview } from './dataplane';

const overview = (connected: boolean, ready: readonly (boolean | undefined)[]): DataplaneOverview => ({
  type: 'DataplaneOverview',
  mesh: 'default',
  name: 'dp',
  dataplane: {
    networking: {
      address: '10.0.0.1',
      inbound: ready.map((r, i) => ({
        port: 8080 + i,
        tags: { 'kuma.io/service': `svc-${i}` },
        ...(r === undefined ? {} : { health: { ready: r } }),
      })),
    },
  },
  dataplaneInsight: { connected },
});

describe("a dataplane's status, as Kuma counts it", () => {
  it('is offline without a stream, whatever its inbounds say', () => {
    expect(dataplaneStatus(overview(false, [true]))).toBe('offline');
  });

  it('is online when connected and every inbound is ready (no health reported counts as ready)', () => {
    expect(dataplaneStatus(overview(true, [true, undefined]))).toBe('online');
  });

  it('is degraded when some inbounds are not ready, offline when none is', () => {
    expect(dataplaneStatus(overview(true, [true, false]))).toBe('partially_degraded');
    expect(dataplaneStatus(overview(true, [false, false]))).toBe('offline');
  });

  it('names each service once', () => {
    expect(servicesOf(overview(true, [true, true]))).toEqual(['svc-0', 'svc-1']);
  });
});
