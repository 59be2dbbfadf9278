/** A link to the page that edits one resource (for lists and resource pages). */
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { editUrl } from '../model/write';

export function EditLink({
  kind,
  mesh,
  name,
  children,
}: {
  kind: string;
  mesh?: string;
  name: string;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <Link to={editUrl(kind, mesh, name)} aria-label={t('write.editNamed', { kind, name })}>
      {children ?? t('write.edit')}
    </Link>
  );
}
