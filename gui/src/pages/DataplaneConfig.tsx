/**
 * The xDS configuration this control-plane instance serves the proxy
 * (`_config?format=koguma`, administrators only): per type its resources,
 * each folded, a filter by name or content, a JSON download and a copy.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { ApiError, dataOf } from '../api/errors';
import { CopyButton } from '../components/CopyButton';
import { ErrorBox } from '../components/ErrorBox';
import {
  configFileName,
  filterResources,
  isServedConfig,
  resourceCount,
  servedTypes,
  type ServedConfig,
} from '../model/xds-config';

export function DataplaneConfig({ mesh, name }: { mesh: string; name: string }) {
  const { t } = useTranslation();
  const config = useQuery({
    queryKey: ['dataplane-config', mesh, name],
    queryFn: async () => {
      const body = dataOf(
        await api.GET('/meshes/{mesh}/dataplanes/{name}/_config', {
          params: { path: { mesh, name }, query: { format: 'koguma' } },
        }),
      );
      if (!isServedConfig(body)) throw new Error('unexpected answer');
      return body;
    },
    retry: (count, error) => !(error instanceof ApiError && error.status === 403) && count < 2,
  });
  if (config.error instanceof ApiError && config.error.status === 403)
    return <p className="notice">{t('dataplane.configNeedsAdmin')}</p>;
  if (config.data === undefined)
    return config.error !== null ? (
      <ErrorBox error={config.error} onRetry={() => void config.refetch()} />
    ) : (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  return <ConfigBody mesh={mesh} name={name} config={config.data} />;
}

function ConfigBody({ mesh, name, config }: { mesh: string; name: string; config: ServedConfig }) {
  const { t } = useTranslation();
  const [query, setQuery] = useState('');
  const types = servedTypes(config);
  const shown = filterResources(types, query);
  const json = () => JSON.stringify(config, null, 2);
  const download = () => {
    const url = URL.createObjectURL(new Blob([json()], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = configFileName(mesh, name);
    link.click();
    // The browser reads the file after this handler returns: the URL stays valid a while.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  };
  return (
    <div className="xds-config">
      {!config.built && <p className="notice">{t('dataplane.configNotBuilt')}</p>}
      <div className="config-tools">
        <label>
          {t('dataplane.searchConfig')}
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} />
        </label>
        <button type="button" onClick={download}>
          {t('common.download')}
        </button>
        <CopyButton text={json} label={t('common.copy')} copiedLabel={t('dataplane.copied')} />
        <span className="result-count" role="status">
          {t('dataplane.resourcesShown', { shown: resourceCount(shown), total: resourceCount(types) })}
        </span>
      </div>
      {shown.map((type) => (
        <section key={type.type} className="xds-type" aria-labelledby={`xds-${type.type}`}>
          <h3 id={`xds-${type.type}`}>
            {type.type} <span className="kind-label">{type.resources.length}</span>
          </h3>
          <p className="help">
            <code>{type.typeUrl}</code>
            {type.version !== undefined && (
              <>
                {' · '}
                {t('dataplane.version')} <code>{type.version}</code>
              </>
            )}
          </p>
          {type.resources.length === 0 ? (
            <p className="empty">{t('dataplane.noResources')}</p>
          ) : (
            type.resources.map((resource) => (
              <details key={resource.name} className="xds-resource">
                <summary>
                  <code>{resource.name}</code>
                </summary>
                {/* Focusable: a long resource scrolls, and the keyboard must reach it. */}
                <pre tabIndex={0}>{resource.text}</pre>
              </details>
            ))
          )}
        </section>
      ))}
    </div>
  );
}
