/**
 * A form for any resource kind, drawn from its JSON Schema: text, number and
 * yes/no inputs, selects for enums (and `anyOf` of constants, such as a
 * targetRef's kind), fieldsets for objects (optional ones added on demand),
 * lists with add and remove, key/value rows for maps of strings, a variant
 * choice for other `anyOf`/`oneOf`, and YAML for free-form values. Each
 * field shows the API's error for its path beside it.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { parse, stringify } from 'yaml';
import {
  fieldId,
  getIn,
  initialValue,
  pathString,
  removeAt,
  resolveRef,
  setIn,
  shapeOf,
  variantFor,
  type JsonSchema,
  type Path,
} from '../../model/schema-form';

interface FormContext {
  readonly document: unknown;
  readonly schemas: Readonly<Record<string, JsonSchema>>;
  /** The API's reasons by path string (`spec.to[0].default.connectionTimeout`). */
  readonly errors: ReadonlyMap<string, string>;
  /** Paths shown but not editable (the kind, and the mesh and name of what exists). */
  readonly fixed: ReadonlySet<string>;
  /** Top-level keys not shown. */
  readonly hidden: ReadonlySet<string>;
  readonly disabled: boolean;
  readonly change: (update: (document: unknown) => unknown) => void;
}

const Context = createContext<FormContext | undefined>(undefined);
const useForm = (): FormContext => {
  const form = useContext(Context);
  if (form === undefined) throw new Error('SchemaForm fields need a SchemaForm');
  return form;
};

export interface SchemaFormProps extends Omit<FormContext, 'change'> {
  readonly schema: JsonSchema;
  readonly onChange: (document: unknown) => void;
}

export function SchemaForm({ schema, onChange, ...context }: SchemaFormProps) {
  const change = (update: (document: unknown) => unknown) => onChange(update(context.document));
  const root = resolveRef(schema, context.schemas);
  return (
    <Context.Provider value={{ ...context, change }}>
      <div className="schema-form">
        <Properties schema={root} path={[]} />
      </div>
    </Context.Provider>
  );
}

function setter(path: Path) {
  return (value: unknown) => (document: unknown) => setIn(document, path, value);
}

function Properties({ schema, path }: { schema: JsonSchema; path: Path }) {
  const form = useForm();
  const shape = shapeOf(schema);
  if (shape.shape !== 'object') return null;
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(shape.properties)
        .filter(([key]) => path.length > 0 || !form.hidden.has(key))
        .map(([key, property]) => (
          <Field key={key} schema={property} path={[...path, key]} label={key} required={required.has(key)} />
        ))}
    </>
  );
}

interface FieldProps {
  readonly schema: JsonSchema;
  readonly path: Path;
  readonly label: string;
  readonly required: boolean;
}

function Field({ schema: raw, path, label, required }: FieldProps) {
  const form = useForm();
  const { t } = useTranslation();
  const schema = resolveRef(raw, form.schemas);
  const shape = shapeOf(schema);
  const value = getIn(form.document, path);
  const id = fieldId(path);
  const set = setter(path);

  if (shape.shape === 'object' || shape.shape === 'map' || shape.shape === 'array' || shape.shape === 'union') {
    // What is optional and absent is one line with a button that adds it.
    if (value === undefined && !required) {
      const adds =
        shape.shape === 'array'
          ? { text: t('write.addItem'), name: t('write.addItemNamed', { name: pathString(path) }) }
          : shape.shape === 'map'
            ? { text: t('write.addEntry'), name: t('write.addEntryNamed', { name: pathString(path) }) }
            : { text: t('write.add'), name: t('write.addNamed', { name: pathString(path) }) };
      const first =
        shape.shape === 'array'
          ? [initialValue(resolveRef(shape.items, form.schemas))]
          : shape.shape === 'map'
            ? {}
            : (initialValue(schema) ?? {});
      return (
        <div className="field field-absent">
          <span className="field-name">{label}</span>
          <button
            type="button"
            disabled={form.disabled}
            onClick={() => form.change(set(first))}
            aria-label={adds.name}
            aria-describedby={describedBy(form, path, schema)}
          >
            {adds.text}
          </button>
          <Help id={fieldId(path)} schema={schema} />
          <FieldError path={path} />
        </div>
      );
    }
    return (
      <fieldset className={`group group-${shape.shape}`} aria-describedby={describedBy(form, path, schema)}>
        <legend>
          {label}
          {!required && (shape.shape === 'object' || shape.shape === 'union') && (
            <button
              type="button"
              className="remove"
              disabled={form.disabled}
              onClick={() => form.change(set(undefined))}
              aria-label={t('write.removeNamed', { name: pathString(path) })}
            >
              {t('write.remove')}
            </button>
          )}
        </legend>
        <Help id={id} schema={schema} />
        <FieldError path={path} />
        {shape.shape === 'object' && <Properties schema={schema} path={path} />}
        {shape.shape === 'map' && <MapRows path={path} label={label} required={required} />}
        {shape.shape === 'array' && <Items items={shape.items} path={path} label={label} />}
        {shape.shape === 'union' && <Union variants={shape.variants} path={path} label={label} />}
      </fieldset>
    );
  }

  const fixed = form.fixed.has(pathString(path));
  const common = {
    id,
    disabled: form.disabled || fixed,
    'aria-invalid': form.errors.has(pathString(path)) ? true : undefined,
    'aria-describedby': describedBy(form, path, schema),
    'aria-required': required ? true : undefined,
  } as const;
  let input: ReactNode;
  switch (shape.shape) {
    case 'enum':
      input = (
        <select
          {...common}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) => form.change(set(event.target.value === '' ? undefined : event.target.value))}
        >
          {(shape.options.length > 1 || value === undefined) && <option value="">{t('write.choose')}</option>}
          {shape.options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      );
      break;
    case 'string':
      input = (
        <input
          {...common}
          type="text"
          readOnly={fixed}
          value={typeof value === 'string' ? value : ''}
          onChange={(event) =>
            form.change(set(event.target.value === '' && !required ? undefined : event.target.value))
          }
        />
      );
      break;
    case 'number':
      input = (
        <input
          {...common}
          type="number"
          step={shape.integer ? 1 : 'any'}
          value={typeof value === 'number' ? value : ''}
          onChange={(event) => form.change(set(event.target.value === '' ? undefined : Number(event.target.value)))}
        />
      );
      break;
    case 'boolean':
      input = (
        <input
          {...common}
          type="checkbox"
          checked={value === true}
          onChange={(event) => form.change(set(event.target.checked ? true : required ? false : undefined))}
        />
      );
      break;
    default:
      input = <FreeForm common={common} path={path} />;
  }
  return (
    <div className={`field field-${shape.shape}`}>
      <label htmlFor={id}>
        {label}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      {input}
      <Help id={id} schema={schema} />
      <FieldError path={path} />
    </div>
  );
}

function describedBy(form: FormContext, path: Path, schema: JsonSchema): string | undefined {
  const id = fieldId(path);
  const ids = [
    ...(schema.description !== undefined ? [`${id}-help`] : []),
    ...(form.errors.has(pathString(path)) ? [`${id}-error`] : []),
  ];
  return ids.length === 0 ? undefined : ids.join(' ');
}

function Help({ id, schema }: { id: string; schema: JsonSchema }) {
  if (schema.description === undefined) return null;
  return (
    <p className="help" id={`${id}-help`}>
      {schema.description}
    </p>
  );
}

function FieldError({ path }: { path: Path }) {
  const form = useForm();
  const reason = form.errors.get(pathString(path));
  if (reason === undefined) return null;
  return (
    <p className="field-error" id={`${fieldId(path)}-error`}>
      {reason}
    </p>
  );
}

function Items({ items, path, label }: { items: JsonSchema; path: Path; label: string }) {
  const form = useForm();
  const { t } = useTranslation();
  const value = getIn(form.document, path);
  const list = Array.isArray(value) ? value : [];
  const schema = resolveRef(items, form.schemas);
  return (
    <>
      {list.map((_, index) => (
        <div className="array-item" key={index}>
          <Field schema={schema} path={[...path, index]} label={`${label}[${index}]`} required />
          <button
            type="button"
            className="remove"
            disabled={form.disabled}
            onClick={() =>
              form.change((document) => {
                const next = removeAt(document, [...path, index]);
                return list.length === 1 ? setIn(next, path, undefined) : next;
              })
            }
            aria-label={t('write.removeNamed', { name: pathString([...path, index]) })}
          >
            {t('write.remove')}
          </button>
        </div>
      ))}
      <button
        type="button"
        disabled={form.disabled}
        onClick={() => form.change(setter([...path, list.length])(initialValue(schema)))}
        aria-label={t('write.addItemNamed', { name: pathString(path) })}
      >
        {t('write.addItem')}
      </button>
    </>
  );
}

type Row = readonly [string, string];
const rowsOf = (value: unknown): Row[] =>
  typeof value === 'object' && value !== null
    ? Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, String(v)] as const)
    : [];
const objectOf = (rows: readonly Row[]): Record<string, string> =>
  Object.fromEntries(rows.filter(([key]) => key !== ''));

/** Key/value rows; rows with an empty key are kept on screen until they get one. */
function MapRows({ path, label, required }: { path: Path; label: string; required: boolean }) {
  const form = useForm();
  const { t } = useTranslation();
  const value = getIn(form.document, path);
  // A map just added starts with one empty row to fill.
  const [rows, setRows] = useState<Row[]>(() => {
    const initial = rowsOf(value);
    return initial.length === 0 ? [['', '']] : initial;
  });
  useEffect(() => {
    // The document changed elsewhere (the YAML view): show what it holds.
    if (JSON.stringify(objectOf(rows)) !== JSON.stringify(value ?? {})) setRows(rowsOf(value));
  }, [value]);
  const update = (next: Row[]) => {
    setRows(next);
    const object = objectOf(next);
    form.change(setter(path)(Object.keys(object).length === 0 && !required ? undefined : object));
  };
  const id = fieldId(path);
  return (
    <>
      {rows.map(([key, text], index) => (
        <div className="map-row" key={index}>
          <label htmlFor={`${id}-key-${index}`} className="visually-hidden">
            {t('write.key', { name: label, n: index + 1 })}
          </label>
          <input
            id={`${id}-key-${index}`}
            type="text"
            value={key}
            disabled={form.disabled}
            placeholder={t('write.keyPlaceholder')}
            onChange={(event) => update(rows.map((row, i) => (i === index ? [event.target.value, row[1]] : row)))}
          />
          <label htmlFor={`${id}-value-${index}`} className="visually-hidden">
            {t('write.value', { name: label, n: index + 1 })}
          </label>
          <input
            id={`${id}-value-${index}`}
            type="text"
            value={text}
            disabled={form.disabled}
            placeholder={t('write.valuePlaceholder')}
            onChange={(event) => update(rows.map((row, i) => (i === index ? [row[0], event.target.value] : row)))}
          />
          <button
            type="button"
            className="remove"
            disabled={form.disabled}
            onClick={() => update(rows.filter((_, i) => i !== index))}
            aria-label={t('write.removeEntry', { name: label, n: index + 1 })}
          >
            {t('write.remove')}
          </button>
        </div>
      ))}
      <button
        type="button"
        disabled={form.disabled}
        onClick={() => setRows([...rows, ['', '']])}
        aria-label={t('write.addEntryNamed', { name: pathString(path) })}
      >
        {t('write.addEntry')}
      </button>
    </>
  );
}

function Union({ variants, path, label }: { variants: readonly JsonSchema[]; path: Path; label: string }) {
  const form = useForm();
  const { t } = useTranslation();
  const value = getIn(form.document, path);
  const chosen = variantFor(variants, value);
  const schema = resolveRef(variants[chosen] ?? {}, form.schemas);
  const names = variants.map((variant, index) => {
    const v = resolveRef(variant, form.schemas);
    return v.title ?? (typeof v.type === 'string' ? v.type : t('write.variant', { n: index + 1 }));
  });
  const id = `${fieldId(path)}-variant`;
  return (
    <>
      <div className="field">
        <label htmlFor={id}>{t('write.variantOf', { name: label })}</label>
        <select
          id={id}
          value={chosen}
          disabled={form.disabled}
          onChange={(event) => {
            const next = variants[Number(event.target.value)];
            if (next !== undefined) form.change(setter(path)(initialValue(resolveRef(next, form.schemas))));
          }}
        >
          {names.map((name, index) => (
            <option key={index} value={index}>
              {name}
            </option>
          ))}
        </select>
      </div>
      <Field schema={schema} path={path} label={label} required />
    </>
  );
}

/** A value the schema leaves open, as YAML in a text area. */
function FreeForm({ common, path }: { common: Record<string, unknown>; path: Path }) {
  const form = useForm();
  const { t } = useTranslation();
  const value = getIn(form.document, path);
  const [text, setText] = useState(() => (value === undefined ? '' : stringify(value)));
  const [problem, setProblem] = useState<string>();
  return (
    <>
      <textarea
        {...common}
        rows={4}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          try {
            const parsed: unknown = event.target.value.trim() === '' ? undefined : parse(event.target.value);
            setProblem(undefined);
            form.change(setter(path)(parsed));
          } catch (error) {
            setProblem(error instanceof Error ? error.message : String(error));
          }
        }}
      />
      {problem !== undefined && (
        <p className="field-error">
          {t('write.yamlProblem')}: {problem}
        </p>
      )}
    </>
  );
}
