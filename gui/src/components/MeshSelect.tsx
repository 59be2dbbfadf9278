/** A mesh filter: every mesh, or any (empty value). */
import { useMeshes } from '../api/queries';
import { useTranslation } from 'react-i18next';

export function MeshSelect({ value, onChange }: { value: string; onChange: (mesh: string) => void }) {
  const { t } = useTranslation();
  const meshes = useMeshes();
  return (
    <label>
      {t('common.mesh')}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('common.any')}</option>
        {meshes.data?.items.map((m) => (
          <option key={m.name} value={m.name}>
            {m.name}
          </option>
        ))}
      </select>
    </label>
  );
}
