/** A status word with its colour; the colour is never the only sign. */
import { useTranslation } from 'react-i18next';

export type Status = 'online' | 'offline' | 'partially_degraded' | 'not_available';

export function StatusBadge({ status }: { status: Status }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${status}`}>{t(`status.${status}`)}</span>;
}
