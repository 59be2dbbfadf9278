/**
 * `koguma generate`: documents a data plane needs, printed to stdout.
 *
 *   koguma generate grpc-bootstrap --mesh M --name N [--dataplane-file F --dataplane-var k=v ...] [--cp-address URL] [--locality-zone Z]
 *   koguma generate dataplane-token | signing-key   (dataplane-token.ts)
 *
 * The gRPC bootstrap is built by the same function as the one
 * `koguma dp run --proxyless` hands to its application, from the same
 * options (dp-run.ts), so what is printed is exactly what the app would get.
 */
import { Command } from 'commander';
import { generateGrpcBootstrap } from '../../dp/index.js';
import type { CliContext } from '../context.js';
import { dataplaneTokenCommand, signingKeyCommand } from './dataplane-token.js';
import { asCliError, dataplaneOptions, proxylessInputOf, type DataplaneOptionValues } from './dp-run.js';

export function generateCommand(context: CliContext): Command {
  const grpcBootstrap = new Command('grpc-bootstrap').description(
    'Print the xDS bootstrap JSON of a proxyless gRPC application (for GRPC_XDS_BOOTSTRAP or GRPC_XDS_BOOTSTRAP_CONFIG)',
  );
  for (const option of dataplaneOptions()) grpcBootstrap.addOption(option);
  grpcBootstrap.action(async (values: DataplaneOptionValues) => {
    try {
      context.out(await generateGrpcBootstrap(proxylessInputOf(values)));
    } catch (error) {
      throw asCliError(error);
    }
  });
  return new Command('generate')
    .description('Generate documents and credentials for data planes')
    .addCommand(grpcBootstrap)
    .addCommand(dataplaneTokenCommand(context))
    .addCommand(signingKeyCommand(context));
}
