/**
 * The dataplanes a policy selects or a MeshService stands for, as the API
 * lists them (paged there), each with its status read from its overview.
 */
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import type { DataplaneOverview } from '../model/dataplane';
import { DataplaneTable } from './DataplaneTable';
import { ErrorBox } from './ErrorBox';
import { Loaded } from './Loaded';
import { Pager } from './Pager';

export const SELECTED_PAGE_SIZE = 25;

type Source =
  | { readonly kind: 'policy'; readonly mesh: string; readonly plural: string; readonly name: string }
  | { readonly kind: 'meshservice'; readonly mesh: string; readonly name: string };

export function SelectedDataplanes({
  source,
  caption,
  empty,
  offset,
  onOffset,
}: {
  source: Source;
  caption: string;
  empty: string;
  offset: number;
  onOffset: (offset: number) => void;
}) {
  const { mesh, name } = source;
  const query = { size: SELECTED_PAGE_SIZE, offset };
  const selected = useQuery({
    queryKey: ['selected-dataplanes', source, offset],
    queryFn: async () =>
      dataOf(
        source.kind === 'policy'
          ? await api.GET('/meshes/{mesh}/{plural}/{name}/_resources/dataplanes', {
              params: { path: { mesh, plural: source.plural, name }, query },
            })
          : await api.GET('/meshes/{mesh}/meshservices/{name}/_dataplanes', {
              params: { path: { mesh, name }, query },
            }),
      ),
    placeholderData: keepPreviousData,
  });
  return (
    <Loaded query={selected}>
      {(page) => (
        <>
          <Overviews mesh={mesh} names={page.items.map((item) => item.name)} caption={caption} empty={empty} />
          <Pager offset={offset} size={SELECTED_PAGE_SIZE} total={page.total} onOffset={onOffset} />
        </>
      )}
    </Loaded>
  );
}

function Overviews({ mesh, names, caption, empty }: { mesh: string; names: string[]; caption: string; empty: string }) {
  const { t } = useTranslation();
  const overviews = useQueries({
    queries: names.map((name) => ({
      queryKey: ['dataplane-overview', mesh, name],
      queryFn: async () =>
        dataOf(await api.GET('/meshes/{mesh}/dataplanes/{name}/_overview', { params: { path: { mesh, name } } })),
    })),
  });
  const failed = overviews.find((q) => q.error !== null);
  if (failed !== undefined) return <ErrorBox error={failed.error} />;
  const rows = overviews.flatMap((q): DataplaneOverview[] => (q.data === undefined ? [] : [q.data]));
  if (rows.length < names.length)
    return (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  return <DataplaneTable caption={caption} rows={rows} empty={empty} />;
}
