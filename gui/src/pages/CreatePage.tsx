/**
 * Choosing what to create: a kind, then a mesh for the kinds that live in
 * one. Both choices are in the URL (`/create?kind=MeshTimeout&mesh=default`).
 */
import { useMeshes } from '../api/queries';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { Loaded } from '../components/Loaded';
import { Page } from '../components/Page';
import { useUrlState } from '../components/search-params';
import { useKinds, useWriteAccess } from '../components/write/queries';
import { WriteBlocked } from '../components/write/WriteBlocked';
import { createUrl, findKind, groupsOf, writableKinds } from '../model/write';
import './ResourceEditorPage.css';

export function CreatePage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const kinds = useKinds();
  const access = useWriteAccess();
  const [{ kind: kindName, mesh }, setUrl] = useUrlState(['kind', 'mesh']);
  const meshes = useMeshes();

  return (
    <Page title={t('write.chooseTitle')}>
      <WriteBlocked id="write-blocked" access={access} />
      <Loaded query={kinds}>
        {(all) => {
          const choices = writableKinds(all);
          const kind = findKind(choices, kindName);
          const meshNames = meshes.data?.items.map((m) => m.name) ?? [];
          const chosenMesh = mesh !== '' ? mesh : (meshNames[0] ?? '');
          const ready = kind !== undefined && (kind.scope === 'Global' || chosenMesh !== '');
          return (
            <form
              className="create-chooser"
              onSubmit={(event) => {
                event.preventDefault();
                if (kind !== undefined && ready) void navigate(createUrl(kind, chosenMesh));
              }}
            >
              <div className="field">
                <label htmlFor="create-kind">{t('write.kind')}</label>
                <select id="create-kind" value={kind?.name ?? ''} onChange={(e) => setUrl({ kind: e.target.value })}>
                  <option value="">{t('write.choose')}</option>
                  {groupsOf(choices).map(([group, members]) => (
                    <optgroup key={group} label={t(`write.group.${group}`)}>
                      {members.map((k) => (
                        <option key={k.name} value={k.name}>
                          {k.name}
                        </option>
                      ))}
                    </optgroup>
                  ))}
                </select>
              </div>
              {kind?.scope === 'Mesh' && (
                <div className="field">
                  <label htmlFor="create-mesh">{t('common.mesh')}</label>
                  <select id="create-mesh" value={chosenMesh} onChange={(e) => setUrl({ mesh: e.target.value })}>
                    {meshNames.map((name) => (
                      <option key={name} value={name}>
                        {name}
                      </option>
                    ))}
                  </select>
                </div>
              )}
              <button type="submit" className="primary" disabled={!ready}>
                {t('write.continue')}
              </button>
            </form>
          );
        }}
      </Loaded>
    </Page>
  );
}
