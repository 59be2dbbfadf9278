/** Labelled figures, one a line: `Online 3`, `Offline 1`. */
import { Fragment } from 'react';

export function CountList({ counts }: { counts: readonly { readonly label: string; readonly value: number }[] }) {
  return (
    <dl className="inline">
      {counts.map((c) => (
        <Fragment key={c.label}>
          <dt>{c.label}</dt>
          <dd>{c.value}</dd>
        </Fragment>
      ))}
    </dl>
  );
}
