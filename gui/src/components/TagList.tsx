/** Tags or labels as `key=value` chips. */
export function TagList({ tags, empty }: { tags: Readonly<Record<string, string>> | undefined; empty: string }) {
  const entries = Object.entries(tags ?? {});
  if (entries.length === 0) return <span className="empty">{empty}</span>;
  return (
    <ul className="tag-list">
      {entries.map(([key, value]) => (
        <li key={key}>
          <code>
            {key}={value}
          </code>
        </li>
      ))}
    </ul>
  );
}
