/**
 * Why the proxy's configuration is what it is, from Koguma's explanation
 * (`_rules?format=koguma`): per destination a card with, per policy kind, the
 * policies merged in order (each with what its entry set) and the merged
 * result; per MeshHTTPRoute to it, the route's matches and what the policies
 * targeting the route made of its traffic; per inbound, client groups and
 * rules; the proxy-wide defaults; and what the proxy cannot apply.
 */
import { useQueries, useQuery } from '@tanstack/react-query';
import { Fragment } from 'react';
import { useTranslation } from 'react-i18next';
import { policyPath } from '../model/paths';
import { useKinds } from '../components/write/queries';
import { Link } from 'react-router';
import { api } from '../api/client';
import { dataOf } from '../api/errors';
import { ConfFields } from '../components/ConfFields';
import { Loaded } from '../components/Loaded';
import {
  entryContribution,
  explain,
  isExplanation,
  policiesNamed,
  type ExplanationView,
  type InboundCard,
  type KindEffect,
  type PolicyEntryRef,
} from '../model/dataplane-explanation';

/** A policy's spec, looked up by kind and name. */
type SpecOf = (kind: string, name: string) => unknown;

export function DataplaneExplanation({ mesh, name }: { mesh: string; name: string }) {
  const rules = useQuery({
    queryKey: ['dataplane-explanation', mesh, name],
    queryFn: async () => {
      const body = dataOf(
        await api.GET('/meshes/{mesh}/dataplanes/{name}/_rules', {
          params: { path: { mesh, name }, query: { format: 'koguma' } },
        }),
      );
      if (!isExplanation(body)) throw new Error('unexpected answer');
      return explain(body);
    },
  });
  return <Loaded query={rules}>{(view) => <ExplanationBody mesh={mesh} view={view} />}</Loaded>;
}

function ExplanationBody({ mesh, view }: { mesh: string; view: ExplanationView }) {
  const { t } = useTranslation();
  const specOf = usePolicySpecs(mesh, view);
  const nothing = view.destinations.length === 0 && view.inbounds.length === 0 && view.defaults.length === 0;
  return (
    <div className="explanation">
      <p className="help">{t('dataplane.explanationHelp')}</p>
      {view.warnings.length > 0 && (
        <section className="warning-box" aria-labelledby="dp-warnings">
          <h3 id="dp-warnings">{t('dataplane.warnings')}</h3>
          <ul>
            {view.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </section>
      )}
      {nothing && <p className="empty">{t('dataplane.noPolicies')}</p>}
      {view.destinations.length > 0 && (
        <section aria-labelledby="dp-destinations">
          <h3 id="dp-destinations">{t('dataplane.destinations')}</h3>
          {view.destinations.map((card) => {
            const routeRefs = card.effects.find((e) => e.kind === 'MeshHTTPRoute')?.from ?? [];
            return (
              <article key={card.key} className="explain-card" aria-labelledby={`dest-${card.key}`}>
                <h4 id={`dest-${card.key}`}>
                  {card.destination.name} <span className="kind-label">{card.destination.kind}</span>
                </h4>
                {card.effects.map((effect) => (
                  <Effect key={effect.kind} mesh={mesh} effect={effect} specOf={specOf} level={5} />
                ))}
                {card.routes.map((route) => (
                  <section
                    key={route.routes.join(',')}
                    className="route-card"
                    aria-label={t('dataplane.routeNamed', { name: route.routes.join(', ') })}
                  >
                    <h5>
                      {t('dataplane.route')}{' '}
                      {route.routes.map((r, i) => (
                        <Fragment key={r}>
                          {i > 0 && ', '}
                          <PolicyLink mesh={mesh} kind="MeshHTTPRoute" name={r} />
                        </Fragment>
                      ))}
                    </h5>
                    {route.routes.map((r) => (
                      <div key={r} className="route-matches">
                        <ConfFields
                          conf={entryContribution(
                            specOf('MeshHTTPRoute', r),
                            routeRefs.find((ref) => ref.name === r)?.index,
                          )}
                          empty={t('dataplane.noMatches')}
                        />
                      </div>
                    ))}
                    {route.effects.map((effect) => (
                      <Effect key={effect.kind} mesh={mesh} effect={effect} specOf={specOf} level={6} />
                    ))}
                  </section>
                ))}
              </article>
            );
          })}
        </section>
      )}
      {view.inbounds.length > 0 && (
        <section aria-labelledby="dp-explained-inbounds">
          <h3 id="dp-explained-inbounds">{t('dataplane.inbounds')}</h3>
          {view.inbounds.map((card) => (
            <Inbound key={card.key} mesh={mesh} card={card} />
          ))}
        </section>
      )}
      {view.defaults.length > 0 && (
        <section aria-labelledby="dp-defaults">
          <h3 id="dp-defaults">{t('dataplane.proxyDefaults')}</h3>
          {view.defaults.map((d) => (
            <article key={d.kind} className="explain-card" aria-labelledby={`default-${d.kind}`}>
              <h4 id={`default-${d.kind}`}>{d.kind}</h4>
              <PolicyNames mesh={mesh} kind={d.kind} names={d.policies} />
              <ConfFields conf={d.conf} empty={t('common.none')} />
            </article>
          ))}
        </section>
      )}
      {view.matched.length > 0 && (
        <section aria-labelledby="dp-matched">
          <h3 id="dp-matched">{t('dataplane.matchedPolicies')}</h3>
          <dl className="matched">
            {view.matched.map((m) => (
              <div key={m.kind}>
                <dt>{m.kind}</dt>
                <dd>
                  <PolicyNames mesh={mesh} kind={m.kind} names={m.policies} />
                </dd>
              </div>
            ))}
          </dl>
        </section>
      )}
    </div>
  );
}

/** The specs of every policy the explanation names, read once each (a policy's own entry is what it contributed). */
function usePolicySpecs(mesh: string, view: ExplanationView): SpecOf {
  const kinds = useKinds();
  const pathOf = (kind: string) => kinds.data?.find((k) => k.name === kind)?.path;
  const named = policiesNamed(view);
  const specs = useQueries({
    queries: named.map(({ kind, name }) => ({
      queryKey: ['policy', mesh, kind, name],
      enabled: pathOf(kind) !== undefined,
      queryFn: async () => {
        // Every kind has its own typed path; the kind here is only known at run time.
        const path = `/meshes/{mesh}/${pathOf(kind) ?? ''}/{name}` as '/meshes/{mesh}/meshtimeouts/{name}';
        const policy = dataOf(await api.GET(path, { params: { path: { mesh, name } } }));
        return (policy as { spec?: unknown }).spec ?? null;
      },
    })),
  });
  return (kind, name) => {
    const i = named.findIndex((p) => p.kind === kind && p.name === name);
    return i < 0 ? undefined : specs[i]?.data;
  };
}

/** A policy's page is addressed by its kind's path in the API (`meshtimeouts`), as the policy pages read it. */
function PolicyLink({ mesh, kind, name }: { mesh: string; kind: string; name: string }) {
  const kinds = useKinds();
  const plural = kinds.data?.find((k) => k.name === kind)?.path ?? kind.toLowerCase();
  return <Link to={policyPath(mesh, plural, name)}>{name}</Link>;
}

function PolicyNames({ mesh, kind, names }: { mesh: string; kind: string; names: readonly string[] }) {
  return (
    <ol className="policy-names">
      {names.map((n) => (
        <li key={n}>
          <PolicyLink mesh={mesh} kind={kind} name={n} />
        </li>
      ))}
    </ol>
  );
}

/** One kind's effect on a part: the policies in merge order with their own entries, then the result. */
function Effect({ mesh, effect, specOf, level }: { mesh: string; effect: KindEffect; specOf: SpecOf; level: 5 | 6 }) {
  const { t } = useTranslation();
  const Heading = level === 5 ? 'h5' : 'h6';
  return (
    <div className="effect">
      <Heading className="effect-kind">{effect.kind}</Heading>
      <ol className="merge-order" aria-label={t('dataplane.mergeOrder', { kind: effect.kind })}>
        {effect.from.map((ref: PolicyEntryRef, i) => (
          <li key={`${ref.name}-${ref.index ?? ''}-${i}`}>
            <PolicyLink mesh={mesh} kind={effect.kind} name={ref.name} />{' '}
            {ref.index !== undefined && <span className="entry-index">to[{ref.index}]</span>}
            {/* With one policy its entry is the result, shown once below. */}
            {effect.from.length > 1 && (
              <ConfFields conf={entryContribution(specOf(effect.kind, ref.name), ref.index)} empty="" />
            )}
          </li>
        ))}
      </ol>
      <div className="merged">
        <span className="merged-label">{t('dataplane.merged')}</span>
        <ConfFields conf={effect.conf} empty={t('common.none')} />
      </div>
    </div>
  );
}

function Inbound({ mesh, card }: { mesh: string; card: InboundCard }) {
  const { t } = useTranslation();
  const id = `inbound-${card.key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <article className="explain-card" aria-labelledby={id}>
      <h4 id={id}>{t('dataplane.inboundNamed', { port: card.inbound.port, service: card.inbound.service })}</h4>
      {card.effects.map((effect) => (
        <div key={effect.kind} className="effect">
          <h5 className="effect-kind">{effect.kind}</h5>
          {effect.clients.length > 0 && (
            <table>
              <caption className="visually-hidden">{t('dataplane.clients', { kind: effect.kind })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dataplane.clientGroup')}</th>
                  <th scope="col">{t('dataplane.policiesMerged')}</th>
                  <th scope="col">{t('dataplane.merged')}</th>
                </tr>
              </thead>
              <tbody>
                {effect.clients.map((c, i) => (
                  <tr key={i}>
                    <td>
                      <code>{JSON.stringify(c.source)}</code>
                    </td>
                    <td>
                      <PolicyNames mesh={mesh} kind={effect.kind} names={c.policies} />
                    </td>
                    <td>
                      <ConfFields conf={c.conf} empty={t('common.none')} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {effect.rules.length > 0 && (
            <ol className="merge-order">
              {effect.rules.map((r, i) => (
                <li key={i}>
                  <PolicyLink mesh={mesh} kind={effect.kind} name={r.from.name} />{' '}
                  {r.from.index !== undefined && <span className="entry-index">rules[{r.from.index}]</span>}
                  {r.match !== undefined && <code> {JSON.stringify(r.match)}</code>}
                  <ConfFields conf={r.conf} empty={t('common.none')} />
                </li>
              ))}
            </ol>
          )}
          {effect.catchAll !== undefined && (
            <div className="merged">
              <span className="merged-label">{t('dataplane.catchAll')}</span>
              <ConfFields conf={effect.catchAll} empty={t('common.none')} />
            </div>
          )}
        </div>
      ))}
    </article>
  );
}
