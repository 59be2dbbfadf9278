/** The frame of every page: skip link, navigation, live indicator, session, the page. */
import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router';
import { chooseLanguage, languages, type Language } from '../i18n';
import { useLiveState } from './live-context';
import { SessionControl } from './SessionControl';

const sections = ['overview', 'meshes', 'dataplanes', 'services', 'policies', 'zones', 'create'] as const;

export function Layout() {
  const { t, i18n } = useTranslation();
  const live = useLiveState();
  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <span className="brand">{t('app.name')}</span>
        <nav aria-label={t('app.mainNavigation')}>
          <ul>
            {sections.map((section) => (
              <li key={section}>
                <NavLink to={`/${section}`}>{t(`nav.${section}`)}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <span className={`live live-${live}`} role="status">
          {live === 'live' ? t('app.live') : live === 'connecting' ? t('app.connecting') : t('app.lost')}
        </span>
        <label className="language">
          <span className="visually-hidden">{t('app.language')}</span>
          <select
            value={i18n.language}
            onChange={(event) => chooseLanguage(event.target.value as Language)}
            aria-label={t('app.language')}
          >
            {Object.entries(languages).map(([code, label]) => (
              <option key={code} value={code}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <SessionControl />
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </>
  );
}
