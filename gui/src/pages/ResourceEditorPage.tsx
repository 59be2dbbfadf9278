/**
 * Creating or editing one resource of any kind, as a form drawn from the
 * kind's schema or as YAML (the same document: switching converts it).
 * Validate asks the API for a dry run; Save makes one dry run, then one PUT:
 * a refused write leaves the store and the form as they were, with the API's
 * reasons beside the fields (or under the editor, in YAML).
 *
 *   /create/:kind                       a global kind (Mesh, Zone, ...)
 *   /meshes/:mesh/create/:kind          a kind of a mesh
 *   /edit/:kind/:name                   a global resource
 *   /meshes/:mesh/edit/:kind/:name      a resource of a mesh
 */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Navigate, useLocation, useNavigate, useParams } from 'react-router';
import { parse, stringify } from 'yaml';
import { ApiError } from '../api/errors';
import { DeleteButton } from '../components/DeleteButton';
import { ErrorBox } from '../components/ErrorBox';
import { Page } from '../components/Page';
import { useUrlState } from '../components/search-params';
import { useKinds, useSchemas, useWriteAccess } from '../components/write/queries';
import { getResource, putResource } from '../components/write/resource-calls';
import { LeaveGuard } from '../components/write/LeaveGuard';
import { SchemaForm } from '../components/write/SchemaForm';
import { WriteBlocked } from '../components/write/WriteBlocked';
import { editable, fieldIdOf, initialValue, normalizeField, type JsonSchema } from '../model/schema-form';
import { editUrl, findKind, resourcePath, type KindInfo } from '../model/write';
import './ResourceEditorPage.css';

const YamlEditor = lazy(() => import('../components/write/YamlEditor'));

export function ResourceEditorPage() {
  const { t } = useTranslation();
  const params = useParams();
  const kinds = useKinds();
  const schemas = useSchemas();
  const kind = kinds.data === undefined ? undefined : findKind(kinds.data, params['kind'] ?? '');
  const editing = params['name'] !== undefined;
  const mesh = kind?.scope === 'Mesh' ? (params['mesh'] ?? '') : undefined;
  const existing = useQuery({
    queryKey: ['write', kind?.name, mesh, params['name']],
    enabled: editing && kind !== undefined && mesh !== '',
    queryFn: async () => getResource(resourcePath(kind as KindInfo, mesh, params['name'] ?? '')),
    // The form is the person's: a change elsewhere must not overwrite it.
    refetchOnWindowFocus: false,
  });

  const kindName = kind?.name ?? params['kind'] ?? '';
  const title = editing
    ? t('write.editTitle', { kind: kindName, name: params['name'] ?? '' })
    : t('write.createTitle', { kind: kindName });
  const problem = kinds.error ?? schemas.error ?? existing.error;
  return (
    <Page title={title}>
      {problem !== null ? (
        <ErrorBox error={problem} />
      ) : kinds.data !== undefined && kind === undefined ? (
        <p className="error-box" role="alert">
          {t('write.unknownKind', { kind: kindName })}
        </p>
      ) : kind?.scope === 'Mesh' && mesh === '' ? (
        // A kind of a mesh, but no mesh in the URL: choose one first.
        editing ? (
          <p className="error-box" role="alert">
            {t('write.needsMesh', { kind: kindName })}
          </p>
        ) : (
          <Navigate to={`/create?kind=${encodeURIComponent(kindName)}`} replace />
        )
      ) : kind === undefined || schemas.data === undefined || (editing && existing.data === undefined) ? (
        <p className="loading" role="status">
          {t('common.loading')}
        </p>
      ) : (
        <Editor
          kind={kind}
          mesh={mesh}
          schemas={schemas.data}
          initial={
            editing
              ? editable(existing.data as Record<string, unknown>)
              : newDocument(kind, mesh, schemas.data[kind.name] ?? {})
          }
          editing={editing}
        />
      )}
    </Page>
  );
}

function newDocument(kind: KindInfo, mesh: string | undefined, schema: JsonSchema): Record<string, unknown> {
  const filled = initialValue(schema) as Record<string, unknown>;
  return { ...filled, type: kind.name, ...(mesh === undefined ? {} : { mesh }), name: '' };
}

const HIDDEN = new Set(['creationTime', 'modificationTime', 'kri', 'status']);

interface EditorProps {
  readonly kind: KindInfo;
  readonly mesh: string | undefined;
  readonly schemas: Record<string, JsonSchema>;
  readonly initial: Record<string, unknown>;
  readonly editing: boolean;
}

function Editor({ kind, mesh, schemas, initial, editing }: EditorProps) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const queries = useQueryClient();
  const access = useWriteAccess();
  const [{ view }, setUrl] = useUrlState(['view']);
  const yamlMode = view === 'yaml';
  const [document, setDocument] = useState<unknown>(initial);
  const [yamlText, setYamlText] = useState(() => stringify(initial));
  const [yamlProblem, setYamlProblem] = useState<string>();
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState<string | undefined>(
    (location.state as { saved?: boolean } | null)?.saved === true ? t('write.saved') : undefined,
  );
  const [busy, setBusy] = useState(false);
  const summary = useRef<HTMLDivElement>(null);
  /** Set once the document is created or deleted: leaving then asks nothing. */
  const done = useRef(false);
  /** The document as last saved (or loaded), to tell unsaved changes. */
  const saved = useRef(JSON.stringify(initial));
  const dirty = () => {
    if (done.current) return false;
    const now = yamlMode ? parseYaml(yamlText) : { ok: true as const, value: document };
    return !now.ok || JSON.stringify(now.value) !== saved.current;
  };

  useEffect(() => {
    if (error !== undefined) summary.current?.focus();
  }, [error]);

  const switchTo = (next: 'form' | 'yaml') => {
    if (next === 'yaml') {
      setYamlText(stringify(document));
      setYamlProblem(undefined);
      setUrl({ view: 'yaml' });
      return;
    }
    const parsed = parseYaml(yamlText);
    if (!parsed.ok) {
      setYamlProblem(parsed.problem);
      return;
    }
    setDocument(parsed.value);
    setUrl({ view: '' });
  };

  /** The document being edited, from the view in use; undefined when its YAML does not parse. */
  const current = (): Record<string, unknown> | undefined => {
    if (!yamlMode) return document as Record<string, unknown>;
    const parsed = parseYaml(yamlText);
    if (!parsed.ok) {
      setYamlProblem(parsed.problem);
      return undefined;
    }
    return typeof parsed.value === 'object' && parsed.value !== null ? (parsed.value as Record<string, unknown>) : {};
  };

  const run = async (action: 'validate' | 'save') => {
    const draft = current();
    if (draft === undefined) return;
    setNotice(undefined);
    const name = typeof draft['name'] === 'string' ? draft['name'] : '';
    if (name === '') {
      setError(new ApiError(400, t('write.invalid'), '', [{ field: 'name', reason: t('write.nameRequired') }]));
      return;
    }
    if (editing && name !== initial['name']) {
      // Saving under another name would write a copy and leave the original: not an edit.
      setError(new ApiError(400, t('write.invalid'), '', [{ field: 'name', reason: t('write.nameFixed') }]));
      return;
    }
    const path = resourcePath(kind, mesh, name);
    setBusy(true);
    try {
      const dry = await putResource(path, draft, true);
      setError(undefined);
      if (action === 'validate') {
        setNotice(dry.dryRun ? t('write.valid') : t('write.validNotDry'));
        return;
      }
      // A control plane without dry runs stored it already: one write, not two.
      if (dry.dryRun) await putResource(path, draft, false);
      await queries.invalidateQueries();
      const target = editUrl(kind.name, mesh, name) + (yamlMode ? '?view=yaml' : '');
      saved.current = JSON.stringify(draft);
      if (editing) setNotice(t('write.saved'));
      else {
        done.current = true;
        void navigate(target, { state: { saved: true } });
      }
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const errors = new Map(
    error instanceof ApiError ? error.fields.map((f) => [normalizeField(f.field), f.reason] as const) : [],
  );
  const fixed = new Set(['type', ...(mesh === undefined ? [] : ['mesh']), ...(editing ? ['name'] : [])]);
  const name = typeof initial['name'] === 'string' ? initial['name'] : '';
  const blocked = !access.allowed;
  // Where a person goes back to: the mesh's page, or the mesh itself.
  const leaveTo =
    mesh !== undefined
      ? `/meshes/${encodeURIComponent(mesh)}`
      : kind.name === 'Mesh'
        ? `/meshes/${encodeURIComponent(name)}`
        : '/overview';

  return (
    <div className="resource-editor">
      <LeaveGuard dirty={dirty} />
      <p className="editor-context">
        {mesh === undefined
          ? kind.singularDisplayName
          : t('write.kindInMesh', { kind: kind.singularDisplayName, mesh })}
      </p>
      <WriteBlocked id="write-blocked" access={access} />
      <div className="view-switch" role="group" aria-label={t('write.view')}>
        <button type="button" aria-pressed={!yamlMode} onClick={() => switchTo('form')}>
          {t('write.formView')}
        </button>
        <button type="button" aria-pressed={yamlMode} onClick={() => switchTo('yaml')}>
          {t('write.yamlView')}
        </button>
      </div>
      {error !== undefined && (
        <div ref={summary} tabIndex={-1} className="error-summary">
          <ErrorSummary error={error} linked={!yamlMode} />
        </div>
      )}
      {notice !== undefined && (
        <p className="ok notice" role="status">
          {notice}
        </p>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void run('save');
        }}
        aria-label={t('write.document')}
      >
        {yamlMode ? (
          <div className="yaml-mode">
            <p className="help" id="yaml-help">
              {t('write.yamlHelp')}
            </p>
            <Suspense
              fallback={
                <p className="loading" role="status">
                  {t('common.loading')}
                </p>
              }
            >
              <YamlEditor
                value={yamlText}
                onChange={(text) => {
                  setYamlText(text);
                  setYamlProblem(undefined);
                }}
                label={t('write.yamlLabel')}
                describedBy="yaml-help yaml-errors"
              />
            </Suspense>
            <div id="yaml-errors">
              {yamlProblem !== undefined && (
                <p className="field-error" role="alert">
                  {t('write.yamlProblem')}: {yamlProblem}
                </p>
              )}
              {errors.size > 0 && (
                <ul className="yaml-field-errors" aria-label={t('write.fieldErrors')}>
                  {[...errors].map(([field, reason]) => (
                    <li key={field}>
                      <code>{field}</code>: {reason}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          </div>
        ) : (
          <SchemaForm
            schema={schemas[kind.name] ?? {}}
            schemas={schemas}
            document={document}
            onChange={setDocument}
            errors={errors}
            fixed={fixed}
            hidden={HIDDEN}
            disabled={busy}
          />
        )}
        <div className="editor-actions">
          <button
            type="button"
            disabled={busy || blocked}
            aria-describedby={blocked ? 'write-blocked' : undefined}
            onClick={() => void run('validate')}
          >
            {t('write.validate')}
          </button>
          <button
            type="submit"
            className="primary"
            disabled={busy || blocked}
            aria-describedby={blocked ? 'write-blocked' : undefined}
          >
            {editing ? t('write.save') : t('write.create')}
          </button>
          <Link to={editing ? leaveTo : '/create'}>{t('write.cancel')}</Link>
          {editing && (
            <DeleteButton
              kind={kind.name}
              {...(mesh === undefined ? {} : { mesh })}
              name={name}
              onDeleted={() => {
                done.current = true;
                void navigate(kind.name === 'Mesh' ? '/meshes' : leaveTo);
              }}
            />
          )}
        </div>
      </form>
    </div>
  );
}

function parseYaml(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: parse(text) };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** The API's refusal: what and why, each field a link to its input. */
function ErrorSummary({ error, linked }: { error: unknown; linked: boolean }) {
  const { t } = useTranslation();
  if (!(error instanceof ApiError) || !linked || error.fields.length === 0) return <ErrorBox error={error} />;
  return (
    <div className="error-box" role="alert">
      <strong>{error.title}</strong>
      {error.detail !== '' && <p>{error.detail}</p>}
      <p>{t('write.fixFields')}</p>
      <ul>
        {error.fields.map((f) => (
          <li key={f.field}>
            <a href={`#${fieldIdOf(normalizeField(f.field))}`}>
              <code>{normalizeField(f.field)}</code>
            </a>
            : {f.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
