/**
 * What each dataplane's agent last said about its Envoy over the admin
 * channel (`status` frames): up, or gone down and being restarted, and why
 * in the agent's words. `_overview` shows it beside the xDS status, so an
 * operator sees "offline: Envoy exited with code 1; restarting it in 2s"
 * rather than only "not connected". Kept per instance, like proxy status.
 */
export interface AgentReport {
  readonly phase: 'up' | 'restarting';
  readonly reason: string;
  readonly at: Date;
}

/** A reason is the agent's log line; nothing an operator reads is longer. */
const MAX_REASON_CHARS = 1_000;

export class AgentReports {
  private readonly reports = new Map<string, AgentReport>();

  reported(nodeId: string, report: AgentReport): void {
    this.reports.set(nodeId, { ...report, reason: report.reason.slice(0, MAX_REASON_CHARS) });
  }

  of(nodeId: string): AgentReport | undefined {
    return this.reports.get(nodeId);
  }

  /** The dataplane is gone: so is what its agent said. */
  forget(nodeId: string): void {
    this.reports.delete(nodeId);
  }
}
