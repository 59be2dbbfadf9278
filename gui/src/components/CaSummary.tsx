/** A mesh's CA as the control plane holds it: state, and the issuer's expiry with the days left. */
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { daysLeft, validityOf } from '../model/certificates';
import { Loaded } from './Loaded';

export function CaSummary({ mesh }: { mesh: string }) {
  const { t } = useTranslation();
  const ca = useQuery({
    queryKey: ['mesh-ca', mesh],
    queryFn: async () => dataOf(await api.GET('/meshes/{mesh}/_ca', { params: { path: { mesh } } })),
  });
  return (
    <Loaded query={ca}>
      {(c) => {
        if (c.state !== 'enabled' || c.issuer === undefined)
          return <p>{c.state === 'pending' ? t('mesh.caPending') : t('mesh.caNone')}</p>;
        const now = Date.now();
        const validity = validityOf(c.issuer.notAfter, now);
        return (
          <dl className="inline">
            <dt>{t('mesh.caExpires')}</dt>
            <dd>
              <time dateTime={c.issuer.notAfter}>{new Date(c.issuer.notAfter).toLocaleString()}</time>{' '}
              <span
                className={`badge badge-${validity === 'valid' ? 'online' : validity === 'expired' ? 'offline' : 'partially_degraded'}`}
              >
                {validity === 'expired'
                  ? t('mesh.caExpired')
                  : t('mesh.caDaysLeft', { count: daysLeft(c.issuer.notAfter, now) })}
              </span>
            </dd>
            <dt>{t('mesh.caSubject')}</dt>
            <dd>{c.issuer.subject}</dd>
            <dt>{t('mesh.caTrusted')}</dt>
            <dd>{c.trusted?.length ?? 1}</dd>
          </dl>
        );
      }}
    </Loaded>
  );
}
