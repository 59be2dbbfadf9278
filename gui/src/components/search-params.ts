/**
 * A page's filters and position live in its URL (shareable, and the back
 * button works): read them typed, write them without losing the others.
 */
import { useSearchParams } from 'react-router';

export function useUrlState<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  const values = Object.fromEntries(keys.map((key) => [key, params.get(key) ?? ''])) as Record<K, string>;
  const set = (changes: Partial<Record<K, string>>, { resetOffset = true } = {}) =>
    setParams(
      (current) => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(changes) as [string, string][]) {
          if (value === '') next.delete(key);
          else next.set(key, value);
        }
        if (resetOffset && !('offset' in changes)) next.delete('offset');
        return next;
      },
      { replace: true },
    );
  return [values, set] as const;
}
