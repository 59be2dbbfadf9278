/** Who the API takes the person for, and signing in or out with a token. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, useSyncExternalStore, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { currentToken, onSessionChange, signIn, signOut } from '../api/session';

export function SessionControl() {
  const { t } = useTranslation();
  const queries = useQueryClient();
  const token = useSyncExternalStore(onSessionChange, currentToken);
  const caller = useQuery({
    queryKey: ['who-am-i', token ?? ''],
    queryFn: async () => dataOf(await api.GET('/who-am-i')),
  });
  const [draft, setDraft] = useState('');
  const anonymous = caller.data === undefined || caller.data.name.endsWith(':anonymous');

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (draft.trim() === '') return;
    signIn(draft);
    setDraft('');
    void queries.invalidateQueries();
  };

  return (
    <details className="session">
      <summary>{anonymous ? t('session.signIn') : t('session.signedInAs', { name: caller.data?.name })}</summary>
      <div className="session-panel">
        <p>{anonymous ? t('session.anonymous') : t('session.signedInAs', { name: caller.data?.name })}</p>
        {token === undefined ? (
          <form onSubmit={submit}>
            <label htmlFor="session-token">{t('session.token')}</label>
            <input
              id="session-token"
              type="password"
              autoComplete="off"
              value={draft}
              onChange={(event) => setDraft(event.target.value)}
              aria-describedby="session-token-help"
            />
            <p id="session-token-help" className="help">
              {t('session.tokenHelp')}
            </p>
            <button type="submit">{t('session.signIn')}</button>
          </form>
        ) : (
          <button
            type="button"
            onClick={() => {
              signOut();
              void queries.invalidateQueries();
            }}
          >
            {t('session.signOut')}
          </button>
        )}
      </div>
    </details>
  );
}
