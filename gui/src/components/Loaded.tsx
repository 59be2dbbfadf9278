/** What a query shows: its data, a loading line, or its error with a retry. */
import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBox } from './ErrorBox';

export function Loaded<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  const { t } = useTranslation();
  if (query.data !== undefined) return <>{children(query.data)}</>;
  if (query.error !== null) return <ErrorBox error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
}
