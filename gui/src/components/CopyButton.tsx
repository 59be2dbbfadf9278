/** Copies a text to the clipboard, saying so for screen readers too. */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export function CopyButton({ text, label, copiedLabel }: { text: () => string; label: string; copiedLabel: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  return (
    <>
      <button
        type="button"
        onClick={() => {
          void navigator.clipboard?.writeText(text()).then(
            () => setCopied(true),
            () => setCopied(false),
          );
        }}
      >
        {label || t('common.copy')}
      </button>
      <span className="visually-hidden" role="status">
        {copied ? copiedLabel : ''}
      </span>
    </>
  );
}
