/**
 * A page's sections as links, the current one marked: each section has its
 * own URL (`?tab=`), so the back button and shared links work, and the
 * keyboard moves through them as through any links.
 */
import { Link, useLocation } from 'react-router';

export interface TabLink {
  readonly id: string;
  readonly label: string;
}

export function TabLinks({
  label,
  tabs,
  current,
  param = 'tab',
}: {
  label: string;
  tabs: readonly TabLink[];
  current: string;
  param?: string;
}) {
  const location = useLocation();
  const hrefOf = (id: string) => {
    const params = new URLSearchParams(location.search);
    if (id === tabs[0]?.id) params.delete(param);
    else params.set(param, id);
    const query = params.toString();
    return `${location.pathname}${query === '' ? '' : `?${query}`}`;
  };
  return (
    <nav className="tab-links" aria-label={label}>
      <ul>
        {tabs.map((tab) => (
          <li key={tab.id}>
            <Link to={hrefOf(tab.id)} aria-current={tab.id === current ? 'page' : undefined}>
              {tab.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
