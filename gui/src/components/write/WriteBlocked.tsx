/** Why writing is not possible now: read-only API, or no administrator signed in. */
import { useTranslation } from 'react-i18next';
import type { WriteAccess } from '../../model/write';

export function WriteBlocked({ id, access, compact }: { id: string; access: WriteAccess; compact?: boolean }) {
  const { t } = useTranslation();
  if (access.allowed) return null;
  const text = {
    readOnly: t('write.blockedReadOnly'),
    signIn: t('write.blockedSignIn'),
    notAdmin: t('write.blockedNotAdmin'),
    unknown: t('write.blockedUnknown'),
  }[access.reason];
  return (
    <p id={id} className={compact ? 'write-blocked visually-hidden' : 'write-blocked'}>
      {text}
    </p>
  );
}
