/** A policy conf as the fields it sets, one line a field, e.g. `http.requestTimeout  15s`. */
import { confFields } from '../model/dataplane-explanation';

export function ConfFields({ conf, empty }: { conf: unknown; empty: string }) {
  const fields = confFields(conf);
  if (fields.length === 0) return <p className="empty">{empty}</p>;
  return (
    <dl className="conf-fields">
      {fields.map((field, i) => (
        <div key={`${field.path}-${i}`}>
          <dt>
            <code>{field.path === '' ? '·' : field.path}</code>
          </dt>
          <dd>
            <code>{field.value}</code>
          </dd>
        </div>
      ))}
    </dl>
  );
}
