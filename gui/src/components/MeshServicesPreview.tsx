/** A mesh's services of each sort, the first few of each with a link to all of them. */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { servicePath, servicesPath } from '../model/paths';
import { Loaded } from './Loaded';

const PREVIEW = 10;

export function MeshServicesPreview({ mesh }: { mesh: string }) {
  const { t } = useTranslation();
  const query = { size: PREVIEW };
  const meshServices = useQuery({
    queryKey: ['meshservices', mesh, 'preview'],
    queryFn: async () => dataOf(await api.GET('/meshes/{mesh}/meshservices', { params: { path: { mesh }, query } })),
  });
  const external = useQuery({
    queryKey: ['meshexternalservices', mesh, 'preview'],
    queryFn: async () =>
      dataOf(await api.GET('/meshes/{mesh}/meshexternalservices', { params: { path: { mesh }, query } })),
  });
  const tagged = useQuery({
    queryKey: ['service-insights', mesh, 'preview'],
    queryFn: async () =>
      dataOf(await api.GET('/meshes/{mesh}/service-insights', { params: { path: { mesh }, query } })),
  });
  const sorts = [
    { kind: 'meshservices', title: t('services.meshServices'), query: meshServices },
    { kind: 'meshexternalservices', title: t('services.meshExternalServices'), query: external },
    { kind: 'services', title: t('services.tagged'), query: tagged },
  ] as const;
  return (
    <div className="service-previews">
      {sorts.map((sort) => (
        <div key={sort.kind}>
          <h3>{sort.title}</h3>
          <Loaded<{ total: number; items: readonly { name: string }[] }> query={sort.query}>
            {(page) =>
              page.total === 0 ? (
                <p className="empty">{t('common.none')}</p>
              ) : (
                <>
                  <ul className="links">
                    {page.items.map((s) => (
                      <li key={s.name}>
                        <Link to={servicePath(mesh, sort.kind, s.name)}>{s.name}</Link>
                      </li>
                    ))}
                  </ul>
                  {page.total > page.items.length && (
                    <Link to={servicesPath(mesh)}>{t('mesh.allServices', { total: page.total })}</Link>
                  )}
                </>
              )
            }
          </Loaded>
        </div>
      ))}
    </div>
  );
}
