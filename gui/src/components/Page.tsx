/** A page's heading and document title, and its body. */
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

export function Page({ title, actions, children }: { title: string; actions?: ReactNode; children: ReactNode }) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} · ${t('app.name')}`;
  }, [title, t]);
  return (
    <>
      <div className="page-heading">
        <h1>{title}</h1>
        {actions}
      </div>
      {children}
    </>
  );
}
