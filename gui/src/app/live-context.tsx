/** The state of the live event stream, for the header's indicator. */
import type { QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { followChanges, type LiveState } from '../api/live';

const LiveContext = createContext<LiveState>('connecting');

export function LiveProvider({ client, children }: { client: QueryClient; children: ReactNode }) {
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => followChanges(client, setState), [client]);
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}

export const useLiveState = () => useContext(LiveContext);
