/**
 * A resource as YAML, read-only, with a button that copies it. Loaded lazily
 * (the `yaml` package stays out of the first bundle): `YamlSection`.
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { stringify } from 'yaml';
import './YamlView.css';

export default function YamlView({ document, labelledBy }: { document: unknown; labelledBy: string }) {
  const { t } = useTranslation();
  const text = useMemo(() => stringify(document, { lineWidth: 0 }), [document]);
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const copy = () =>
    navigator.clipboard.writeText(text).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  return (
    <div className="yaml-view">
      <div className="yaml-actions">
        <button type="button" onClick={() => void copy()}>
          {t('common.copy')}
        </button>
        <span role="status">
          {copied === 'yes' ? t('policies.copied') : copied === 'failed' ? t('policies.copyFailed') : ''}
        </span>
      </div>
      <div className="yaml-text" role="region" aria-labelledby={labelledBy} tabIndex={0}>
        <pre>
          <code>{text}</code>
        </pre>
      </div>
    </div>
  );
}
