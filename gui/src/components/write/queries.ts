/** The queries the write pages share: kinds, schemas, the caller and whether it may write. */
import { useQuery } from '@tanstack/react-query';
import { useSyncExternalStore } from 'react';
import { api } from '../../api/client';
import { dataOf } from '../../api/errors';
import { currentToken, onSessionChange } from '../../api/session';
import type { JsonSchema } from '../../model/schema-form';
import { writeAccess, type KindInfo, type WriteAccess } from '../../model/write';
import { getSchemas } from './resource-calls';

export function useKinds() {
  return useQuery({
    queryKey: ['_resources'],
    queryFn: async () => dataOf(await api.GET('/_resources')).resources as KindInfo[],
  });
}

export function useSchemas() {
  return useQuery({
    queryKey: ['openapi-schemas'],
    queryFn: async () => (await getSchemas()) as Record<string, JsonSchema>,
  });
}

/** Whether writes would be taken now (read-only mode, the signed-in caller). */
export function useWriteAccess(): WriteAccess {
  const token = useSyncExternalStore(onSessionChange, currentToken);
  const config = useQuery({
    queryKey: ['config'],
    queryFn: async () => dataOf(await api.GET('/config')) as Record<string, unknown>,
  });
  const caller = useQuery({
    queryKey: ['who-am-i', token ?? ''],
    queryFn: async () => dataOf(await api.GET('/who-am-i')),
  });
  return writeAccess(config.data, caller.data);
}
