/** A moment as a local date and time, with how long ago (or how soon) it is. */
import { useTranslation } from 'react-i18next';
import { localTime, relativeTime } from '../model/dataplane-connection';

export function Timestamp({ time, relative = true }: { time: string | undefined; relative?: boolean }) {
  const { t, i18n } = useTranslation();
  if (time === undefined || time === '') return <span className="empty">{t('common.never')}</span>;
  return (
    <time dateTime={time} title={time}>
      {localTime(time, i18n.language)}
      {relative && <span className="relative-time"> ({relativeTime(time, Date.now(), i18n.language)})</span>}
    </time>
  );
}
