/**
 * Deleting one resource, after a dialog that names it: focus starts on
 * Cancel, Escape cancels, focus returns to the button. The button is
 * disabled, with the reason, when the API would refuse the write.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { findKind, resourcePath } from '../model/write';
import { ErrorBox } from './ErrorBox';
import { useKinds, useWriteAccess } from './write/queries';
import { deleteResource } from './write/resource-calls';
import { WriteBlocked } from './write/WriteBlocked';
import './write/write.css';

export function DeleteButton({
  kind,
  mesh,
  name,
  onDeleted,
}: {
  kind: string;
  mesh?: string;
  name: string;
  /** Called once the resource is gone (e.g. to leave its page). */
  onDeleted?: () => void;
}) {
  const { t } = useTranslation();
  const id = useId();
  const kinds = useKinds();
  const access = useWriteAccess();
  const queries = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const descriptor = kinds.data === undefined ? undefined : findKind(kinds.data, kind);

  const close = () => {
    dialog.current?.close();
    setError(undefined);
    trigger.current?.focus();
  };
  const confirm = async () => {
    if (descriptor === undefined) return;
    setBusy(true);
    try {
      await deleteResource(resourcePath(descriptor, mesh, name));
      dialog.current?.close();
      await queries.invalidateQueries();
      onDeleted?.();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const where = mesh === undefined || mesh === '' ? '' : t('write.inMesh', { mesh });
  return (
    <>
      <button
        ref={trigger}
        type="button"
        className="danger"
        disabled={!access.allowed || descriptor === undefined}
        aria-describedby={access.allowed ? undefined : `${id}-blocked`}
        onClick={() => dialog.current?.showModal()}
      >
        {t('write.delete')}
      </button>
      {!access.allowed && <WriteBlocked id={`${id}-blocked`} access={access} compact />}
      <dialog
        ref={dialog}
        className="confirm-dialog"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-text`}
        onCancel={(event) => {
          event.preventDefault();
          close();
        }}
      >
        <h2 id={`${id}-title`}>{t('write.deleteTitle', { kind, name })}</h2>
        <p id={`${id}-text`}>
          {where} {t('write.deleteWarning')}
        </p>
        {error !== undefined && <ErrorBox error={error} />}
        <div className="dialog-actions">
          <button type="button" autoFocus onClick={close}>
            {t('write.cancel')}
          </button>
          <button type="button" className="danger" disabled={busy} onClick={() => void confirm()}>
            {t('write.deleteConfirm', { name })}
          </button>
        </div>
      </dialog>
    </>
  );
}
