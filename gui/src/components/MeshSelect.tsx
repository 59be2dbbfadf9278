/** A mesh filter: every mesh, or any (empty value). */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { dataOf } from '../api/errors';

export function MeshSelect({ value, onChange }: { value: string; onChange: (mesh: string) => void }) {
  const { t } = useTranslation();
  const meshes = useQuery({
    queryKey: ['meshes'],
    queryFn: async () => dataOf(await api.GET('/meshes', { params: { query: { size: 1000 } } })),
  });
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
