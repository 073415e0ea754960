import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure, expectData, expectOk, type Schemas } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import { useSession } from '../session/session';
import { ConfirmButton, ErrorNotice, errorText, PageHeader } from '../ui/components';
import { useAsync } from '../ui/use-async';
import styles from './templates.module.css';

type Kind = Schemas['TemplateKind'];
type Channel = Schemas['Channel'];
const KINDS: Kind[] = ['confirmation', 'reminder', 'reminder_moved', 'campaign'];
const VARIABLES = ['shopName', 'customerName', 'reference', 'pickupDate', 'pickupTime', 'pickupWhen'];
const PREVIEW_DELAY_MS = 300;

interface Address {
  kind: Kind;
  locale: string;
  channel: Channel | '';
}

/** Where a template error points: the field, and the line and column in it. */
interface ErrorPosition {
  field: 'body' | 'subject';
  offset: number;
  line: number;
  column: number;
  message: string;
}

function positionOf(error: unknown): ErrorPosition | null {
  if (!(error instanceof ApiFailure) || !error.body.code.startsWith('template_')) return null;
  const details = error.body.details as { field?: string; position?: { offset: number; line: number; column: number }; variable?: string } | undefined;
  if (!details?.position) return null;
  return { field: details.field === 'subject' ? 'subject' : 'body', ...details.position, message: error.body.message.replace(/^(body|subject): /, '').replace(/ at line \d+, column \d+$/, '') };
}

/**
 * An editor per kind and language (and channel), with the API's live preview beside it: the rendered text, its
 * encoding and segments as an SMS, its length; an error is shown at its line and column, and the cursor put there.
 */
export function TemplatesPage() {
  const { t } = useI18n();
  const { merchant, canConfigure } = useSession();
  const [address, setAddress] = useState<Address>({ kind: 'confirmation', locale: merchant.defaultLocale, channel: '' });
  const templates = useAsync(() => expectData(api.GET('/v1/templates')), []);

  return (
    <>
      <PageHeader title={t('templates.title')} />
      <p class={styles.intro}>{t('templates.intro')}</p>
      <div class={styles.layout}>
        <Editor key={`${address.kind}/${address.locale}/${address.channel}`} address={address} onAddress={setAddress} canConfigure={canConfigure} onSaved={() => void templates.reload()} />
        <section aria-labelledby="your-templates">
          <h2 id="your-templates">{t('templates.list')}</h2>
          <ErrorNotice error={templates.error} />
          {templates.data?.data.length === 0 && <p class={styles.muted}>{t('templates.none')}</p>}
          <ul class={styles.list}>
            {templates.data?.data.map((template) => (
              <li key={`${template.kind}/${template.locale}/${template.channel}`}>
                <button type="button" data-filter class={styles.linkButton} onClick={() => setAddress({ kind: template.kind, locale: template.locale, channel: template.channel ?? '' })}>
                  {t(`kind.${template.kind}` as MessageKey, {})} · {template.locale} · {template.channel ? t(`channel.${template.channel}` as MessageKey) : t('templates.everyChannel')}
                </button>
              </li>
            ))}
          </ul>
        </section>
      </div>
    </>
  );
}

/** A WhatsApp template's approved Content template: what goes instead of the text outside the customer's 24-hour window. */
type ContentTemplate = { contentSid: string; contentVariables: Schemas['MessageTemplate']['contentVariables'] };
type ContentVariable = NonNullable<Schemas['PutTemplateRequest']['contentVariables']>[number];
type ContentField = 'contentSid' | 'contentVariables';
const CONTENT_ERRORS: Record<string, ContentField> = { invalid_content_sid: 'contentSid', invalid_content_variables: 'contentVariables' };

const isContentError = (error: unknown): error is ApiFailure => error instanceof ApiFailure && error.body.code in CONTENT_ERRORS;

/** The Content template field an error is about, with what to say beside it (the variables the kind does not have, named). */
function contentProblemOf(error: unknown, t: ReturnType<typeof useI18n>['t']): { field: ContentField; text: string } | null {
  if (!isContentError(error)) return null;
  const unknown = (error.body.details as { unknown?: string[] } | undefined)?.unknown;
  return { field: CONTENT_ERRORS[error.body.code], text: unknown?.length ? t('templates.contentUnknownVariables', { list: unknown.join(' ') }) : errorText(error, t) };
}

async function loadText(address: Address): Promise<{ subject: string; body: string; saved: boolean; content?: ContentTemplate }> {
  const query = address.channel ? { channel: address.channel } : {};
  const { data, response } = await api.GET('/v1/templates/{kind}/{locale}', { params: { path: { kind: address.kind, locale: address.locale }, query } });
  if (data) {
    const content = data.contentSid ? { contentSid: data.contentSid, contentVariables: data.contentVariables } : undefined;
    return { subject: data.subject ?? '', body: data.body, saved: true, content };
  }
  if (response.status !== 404) throw new Error(String(response.status));
  const defaults = await expectData(api.GET('/v1/templates/defaults'));
  const language = address.locale.split('-')[0];
  const builtIn = defaults.data.find((text) => text.kind === address.kind && text.locale === language) ?? defaults.data.find((text) => text.kind === address.kind && text.locale === 'en');
  return { subject: '', body: builtIn?.body ?? '', saved: false };
}

function Editor({ address, onAddress, canConfigure, onSaved }: { address: Address; onAddress: (address: Address) => void; canConfigure: boolean; onSaved: () => void }) {
  const { t } = useI18n();
  const loaded = useAsync(() => loadText(address), []);
  const [body, setBody] = useState<string>();
  const [subject, setSubject] = useState('');
  const [preview, setPreview] = useState<Schemas['TemplatePreview']>();
  const [problem, setProblem] = useState<unknown>();
  const [saved, setSaved] = useState<boolean>();
  const [status, setStatus] = useState('');
  const [contentSid, setContentSid] = useState<string>();
  const [contentVariables, setContentVariables] = useState<string>();
  const bodyField = useRef<HTMLTextAreaElement>(null);
  const subjectField = useRef<HTMLInputElement>(null);
  const text = body ?? loaded.data?.body ?? '';
  const subjectText = body === undefined ? (loaded.data?.subject ?? '') : subject;
  const isSaved = saved ?? loaded.data?.saved ?? false;
  // Typing waits for the text: an edit made while it loads would land beside it when it arrives.
  const editable = canConfigure && loaded.data !== undefined;
  const withSubject = address.channel === 'email' || address.channel === '';
  const position = positionOf(problem);
  const contentProblem = contentProblemOf(problem, t);
  const withContent = address.channel === 'whatsapp';
  const sidText = contentSid ?? loaded.data?.content?.contentSid ?? '';
  const variablesText = contentVariables ?? (loaded.data?.content?.contentVariables ?? []).join(' ');
  const contentDescribedBy = (field: ContentField, hint: string) => (contentProblem?.field === field ? `${hint} template-content-error` : hint);

  useEffect(() => {
    if (!canConfigure || !text.trim()) return;
    const timer = setTimeout(async () => {
      const { data, error } = await api.POST('/v1/templates/preview', {
        body: { kind: address.kind, locale: address.locale, channel: address.channel || 'sms', body: text, ...(withSubject && subjectText.trim() ? { subject: subjectText } : {}) },
      });
      if (data) {
        setPreview(data);
        // A good text says nothing of the Content template's fields.
        setProblem((current: unknown) => (isContentError(current) ? current : undefined));
      } else {
        setProblem(error ? new ApiFailure(error) : new Error('preview'));
      }
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, subjectText, address.kind, address.locale, address.channel, canConfigure]);

  /** Puts the cursor where the API says the error is. */
  const showAt = (at: ErrorPosition) => {
    const field = at.field === 'subject' ? subjectField.current : bodyField.current;
    field?.focus();
    field?.setSelectionRange(at.offset, at.offset);
  };

  const save = async () => {
    setStatus('');
    const { data, error } = await api.PUT('/v1/templates/{kind}/{locale}', {
      params: { path: { kind: address.kind, locale: address.locale } },
      body: {
        body: text,
        ...(address.channel ? { channel: address.channel } : {}),
        ...(withSubject && subjectText.trim() ? { subject: subjectText } : {}),
        ...(withContent && sidText.trim() ? { contentSid: sidText.trim() } : {}),
        ...(withContent && variablesText.trim() ? { contentVariables: variablesText.trim().split(/[\s,]+/) as ContentVariable[] } : {}),
      },
    });
    if (error) {
      const failure = new ApiFailure(error);
      setProblem(failure);
      const at = positionOf(failure);
      if (at) showAt(at);
      return;
    }
    setProblem(undefined);
    setSaved(Boolean(data));
    setStatus(t('common.saved'));
    onSaved();
  };

  const remove = async () => {
    await expectOk(api.DELETE('/v1/templates/{kind}/{locale}', { params: { path: { kind: address.kind, locale: address.locale }, query: address.channel ? { channel: address.channel } : {} } }));
    setSaved(false);
    onSaved();
  };

  return (
    <section class={styles.editor} aria-labelledby="template-editor">
      <h2 id="template-editor">{isSaved ? t('templates.yours') : t('templates.builtIn')}</h2>
      <div class={styles.address}>
        <label>
          {t('templates.kind')}
          <select data-filter value={address.kind} onChange={(event) => onAddress({ ...address, kind: event.currentTarget.value as Kind })}>
            {KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`templateKind.${kind}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('templates.language')}
          <input data-filter value={address.locale} dir="ltr" size={8} onChange={(event) => event.currentTarget.value.trim() && onAddress({ ...address, locale: event.currentTarget.value.trim() })} />
        </label>
        <label>
          {t('templates.channel')}
          <select data-filter value={address.channel} onChange={(event) => onAddress({ ...address, channel: event.currentTarget.value as Channel | '' })}>
            <option value="">{t('templates.everyChannel')}</option>
            <option value="sms">{t('channel.sms')}</option>
            <option value="email">{t('channel.email')}</option>
            <option value="whatsapp">{t('channel.whatsapp')}</option>
          </select>
        </label>
      </div>
      <ErrorNotice error={loaded.error} />
      {withSubject && (
        <>
          <label for="template-subject">{t('templates.subject')}</label>
          <input
            id="template-subject"
            dir="auto"
            ref={subjectField}
            value={subjectText}
            readOnly={!editable}
            aria-invalid={position?.field === 'subject'}
            aria-describedby={position?.field === 'subject' ? 'template-error' : undefined}
            onInput={(event) => {
              if (body === undefined) setBody(text);
              setSubject(event.currentTarget.value);
            }}
          />
        </>
      )}
      <label for="template-body">{t('templates.body')}</label>
      <textarea
        id="template-body"
        ref={bodyField}
        class="code"
        dir="auto"
        rows={6}
        value={text}
        readOnly={!editable}
        aria-invalid={position?.field === 'body'}
        aria-describedby={position?.field === 'body' ? 'template-error template-variables' : 'template-variables'}
        onInput={(event) => {
          if (body === undefined) setSubject(subjectText);
          setBody(event.currentTarget.value);
        }}
      />
      <p id="template-variables" class={styles.muted}>
        {t('templates.variables', { list: VARIABLES.map((name) => `{{${name}}}`).join(' ') })}
      </p>
      {position ? (
        <div id="template-error" class={styles.problem} role="alert" data-offset={position.offset} data-field={position.field}>
          <button type="button" class={styles.linkButton} onClick={() => showAt(position)}>
            {t('templates.errorAt', { line: position.line, column: position.column, message: position.message })}
          </button>
          <pre class={styles.marker} dir="ltr" aria-hidden="true">
            {(position.field === 'subject' ? subjectText : text).split('\n')[position.line - 1]}
            {'\n'}
            {' '.repeat(position.column - 1)}^
          </pre>
        </div>
      ) : (
        !contentProblem && <ErrorNotice error={problem} />
      )}
      {withContent && (
        <fieldset class={styles.content}>
          <legend>{t('templates.content')}</legend>
          <p id="template-content-hint" class={styles.muted}>
            {t('templates.contentHint')}
          </p>
          <label for="template-content-sid">{t('templates.contentSid')}</label>
          <input
            id="template-content-sid"
            dir="ltr"
            placeholder="HXb5b62575e6e4ff6129ad7c8efe1f983e"
            value={sidText}
            readOnly={!editable}
            aria-invalid={contentProblem?.field === 'contentSid'}
            aria-describedby={contentDescribedBy('contentSid', 'template-content-hint')}
            onInput={(event) => setContentSid(event.currentTarget.value)}
          />
          <label for="template-content-variables">{t('templates.contentVariables', { placeholders: '{{1}}, {{2}}…' })}</label>
          <input
            id="template-content-variables"
            dir="ltr"
            value={variablesText}
            readOnly={!editable}
            aria-invalid={contentProblem?.field === 'contentVariables'}
            aria-describedby={contentDescribedBy('contentVariables', 'template-content-variables-hint')}
            onInput={(event) => setContentVariables(event.currentTarget.value)}
          />
          <p id="template-content-variables-hint" class={styles.muted}>
            {t('templates.contentVariablesHint', { list: VARIABLES.join(' ') })}
          </p>
          {contentProblem && (
            <p id="template-content-error" class={styles.problem} role="alert">
              {contentProblem.text}
            </p>
          )}
        </fieldset>
      )}
      {canConfigure && (
        <div class={styles.actions}>
          <button type="button" class="primary" onClick={() => void save()}>
            {t('templates.save')}
          </button>
          {isSaved && <ConfirmButton danger label={t('templates.delete')} question={t('templates.deleteQuestion')} confirmLabel={t('templates.deleteConfirm')} onConfirm={remove} />}
          <span role="status" class={styles.saved}>
            {status}
          </span>
        </div>
      )}
      {canConfigure && preview && (
        <section class={styles.preview} aria-labelledby="template-preview" aria-live="polite">
          <h3 id="template-preview">{t('templates.preview')}</h3>
          <p class={styles.muted}>{t('templates.previewHint')}</p>
          {preview.subject && (
            <p class={styles.previewSubject} dir="auto">
              {preview.subject}
            </p>
          )}
          <p class={styles.previewText} dir="auto" data-preview>
            {preview.text}
          </p>
          <p class={styles.muted}>
            {t('templates.length', { count: [...preview.text].length })}
            {preview.segments !== null && ` · ${t('template.segments', { count: preview.segments, encoding: preview.encoding ?? '' })}`}
          </p>
        </section>
      )}
    </section>
  );
}
