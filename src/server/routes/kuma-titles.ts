/**
 * Failures answered with the title Kuma gives them at a given endpoint
 * ("Failed to retrieve Mesh", "could not retrieve service"...) and Kuma's
 * detail, so a client matching Kuma's answers reads the same body.
 */
import { isKogumaError, KogumaError } from '../../api/index.js';

/** A NotFound from `lookup` answered as Kuma answers it there; other failures as they are. */
export async function orNotFound<T>(title: string, lookup: Promise<T>): Promise<T> {
  try {
    return await lookup;
  } catch (error) {
    if (isKogumaError(error, 'NotFound')) throw new KogumaError('NotFound', 'Not found', [], title);
    throw error;
  }
}

/** A 400 with Kuma's title and its generic detail. */
export const invalidWithTitle = (title: string, detail = 'Resource is not valid'): KogumaError =>
  new KogumaError('InvalidInput', detail, [], title);
