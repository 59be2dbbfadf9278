/** An error as the API gave it: title, detail and the fields at fault. */
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/errors';

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const apiError = error instanceof ApiError ? error : undefined;
  return (
    <div className="error-box" role="alert">
      <strong>{apiError?.title ?? t('common.error')}</strong>
      <p>{apiError?.detail ?? (error instanceof Error ? error.message : String(error))}</p>
      {apiError !== undefined && apiError.fields.length > 0 && (
        <ul>
          {apiError.fields.map((f) => (
            <li key={f.field}>
              <code>{f.field}</code>: {f.reason}
            </li>
          ))}
        </ul>
      )}
      {onRetry !== undefined && (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}
