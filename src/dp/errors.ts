/**
 * DpError: a failure of the data plane agent that a person must read and act
 * on (a bad dataplane file, a control plane that refused the bootstrap, an
 * Envoy binary that does not exist). The agent throws it; the `koguma dp run`
 * command turns it into the CLI's error, so this folder stays free of the CLI.
 */

export class DpError extends Error {
  /** Lines printed after the message, already indented where that helps. */
  readonly details: readonly string[];

  constructor(message: string, details: readonly string[] = []) {
    super(message);
    this.name = 'DpError';
    this.details = details;
  }
}
