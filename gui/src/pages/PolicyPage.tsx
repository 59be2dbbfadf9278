/** One policy: what it targets, the proxies it selects (links to their pages), and its YAML. */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { DeleteButton } from '../components/DeleteButton';
import { EditLink } from '../components/EditLink';
import { YamlSection } from '../components/YamlSection';
import { Loaded } from '../components/Loaded';
import { Page } from '../components/Page';
import { SelectedDataplanes } from '../components/SelectedDataplanes';
import { useUrlState } from '../components/search-params';
import { targetOf } from '../model/policies';
import { meshPath, policyKindPath } from '../model/paths';

export function PolicyPage() {
  const { t } = useTranslation();
  const { mesh = '', kind: plural = '', name = '' } = useParams();
  const navigate = useNavigate();
  const [state, setState] = useUrlState(['offset']);
  const offset = Number(state.offset) || 0;
  const policy = useQuery({
    queryKey: ['policy', mesh, plural, name],
    queryFn: async () =>
      dataOf(await api.GET('/meshes/{mesh}/{plural}/{name}', { params: { path: { mesh, plural, name } } })),
  });

  return (
    <Page
      title={name}
      actions={
        policy.data === undefined ? undefined : (
          <>
            <EditLink kind={policy.data.type} mesh={mesh} name={name} />
            <DeleteButton
              kind={policy.data.type}
              mesh={mesh}
              name={name}
              onDeleted={() => void navigate(policyKindPath(plural, mesh))}
            />
          </>
        )
      }
    >
      <Loaded query={policy}>
        {(p) => (
          <>
            <dl className="inline policy-facts">
              <dt>{t('policies.kind')}</dt>
              <dd>
                <Link to={policyKindPath(plural)}>{p.type}</Link>
              </dd>
              <dt>{t('common.mesh')}</dt>
              <dd>
                <Link to={meshPath(mesh)}>{mesh}</Link>
              </dd>
              <dt>{t('policies.target')}</dt>
              <dd>
                <code>{targetOf(p.spec)}</code>
              </dd>
            </dl>
            <section aria-labelledby="policy-dataplanes">
              <h2 id="policy-dataplanes">{t('policies.selects')}</h2>
              <SelectedDataplanes
                source={{ kind: 'policy', mesh, plural, name }}
                caption={t('policies.selects')}
                empty={t('policies.selectsNone')}
                offset={offset}
                onOffset={(next) => setState({ offset: next === 0 ? '' : String(next) }, { resetOffset: false })}
              />
            </section>
            <YamlSection id="policy-yaml" title={t('policies.yaml')} document={p} />
          </>
        )}
      </Loaded>
    </Page>
  );
}
