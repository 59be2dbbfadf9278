/**
 * Leaving a page with unsaved changes (a link, the back button) asks first,
 * in a dialog: focus starts on Stay, Escape stays. Reloading or closing the
 * tab is the browser's business and is not held up.
 */
import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useBlocker } from 'react-router';
import './write.css';

export function LeaveGuard({ dirty }: { dirty: () => boolean }) {
  const { t } = useTranslation();
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) => currentLocation.pathname !== nextLocation.pathname && dirty(),
  );
  const blocked = blocker.state === 'blocked';
  useEffect(() => {
    if (blocked && dialog.current?.open === false) dialog.current.showModal();
    if (!blocked && dialog.current?.open === true) dialog.current.close();
  }, [blocked]);

  return (
    <dialog
      ref={dialog}
      className="confirm-dialog"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-text`}
      onCancel={(event) => {
        event.preventDefault();
        blocker.reset?.();
      }}
    >
      <h2 id={`${id}-title`}>{t('write.leaveTitle')}</h2>
      <p id={`${id}-text`}>{t('write.leaveText')}</p>
      <div className="dialog-actions">
        <button type="button" autoFocus onClick={() => blocker.reset?.()}>
          {t('write.stay')}
        </button>
        <button type="button" className="danger" onClick={() => blocker.proceed?.()}>
          {t('write.leave')}
        </button>
      </div>
    </dialog>
  );
}
