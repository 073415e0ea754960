import { useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, expectData, type Schemas } from '../api/client';
import { useI18n } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import { Link } from '../router/router';
import { useSession } from '../session/session';
import { wallClockAt } from '../time/zoned';
import { ConfirmButton, EmptyState, ErrorNotice, Loading, PageHeader } from '../ui/components';
import { useAsync } from '../ui/use-async';
import styles from './exports.module.css';

type ExportDay = Schemas['ExportDay'];
type ExportEntry = Schemas['ExportEntry'];
type ExportSettings = Schemas['ExportSettings'];

/** How many days the page lists at first; "Older days" shows as many more. */
const DAYS_PER_PAGE = 14;
/** While an export is being mailed, the page reads the ledger again this often. */
const FOLLOW_EVERY_MS = 2000;
const IN_FLIGHT = new Set<ExportEntry['state']>(['pending', 'claimed', 'sending']);

/** A state's words and the badge colour it shares with a notification's status of the same sense. */
const STATE_LOOK: Record<ExportDay['state'], { words: MessageKey; tone: string }> = {
  sent: { words: 'exports.state.sent', tone: 'sent' },
  failed: { words: 'exports.state.failed', tone: 'dead' },
  pending: { words: 'exports.state.sending', tone: 'sending' },
  claimed: { words: 'exports.state.sending', tone: 'sending' },
  sending: { words: 'exports.state.sending', tone: 'sending' },
  upcoming: { words: 'exports.state.upcoming', tone: 'scheduled' },
  due: { words: 'exports.state.due', tone: 'scheduled' },
  not_scheduled: { words: 'exports.state.not_scheduled', tone: 'cancelled' },
};

/** Exports hold live customers' orders: a test key reads none of them (the API answers 403 insufficient_scope). */
const refusedToTestKey = (error: unknown) => error instanceof ApiFailure && error.body.code === 'insufficient_scope';

/**
 * The daily export's days, newest first, each with where its automatic export stands and every mail of it; each
 * day's CSV to download (the session cookie goes with the link, no key in it), and with a full key, a past day
 * mailed again.
 */
export function ExportsPage() {
  const { t } = useI18n();
  const { view } = useSession();
  return (
    <>
      <PageHeader title={t('exports.title')} />
      <p class={styles.intro}>{t('exports.intro')}</p>
      {view.scope === 'test' ? <TestKeyNotice /> : <ExportDays />}
    </>
  );
}

function TestKeyNotice() {
  const { t } = useI18n();
  return (
    <EmptyState title={t('exports.testKeyTitle')}>
      <p>{t('exports.testKeyHint')}</p>
    </EmptyState>
  );
}

function ExportDays() {
  const { t } = useI18n();
  const settings = useAsync(() => expectData(api.GET('/v1/exports/settings')), []);
  const [shown, setShown] = useState(DAYS_PER_PAGE);
  const days = useAsync(() => loadDays(shown), [shown]);
  const inFlight = days.data?.data.some((day) => day.entries.some((entry) => IN_FLIGHT.has(entry.state))) ?? false;

  useEffect(() => {
    if (!inFlight) return;
    const timer = setInterval(() => void days.reload(), FOLLOW_EVERY_MS);
    return () => clearInterval(timer);
  }, [inFlight]);

  if (refusedToTestKey(settings.error) || refusedToTestKey(days.error)) return <TestKeyNotice />;
  const error = settings.error ?? days.error;
  if (!settings.data || !days.data) return error ? <ErrorNotice error={error} /> : <Loading />;

  return (
    <>
      {settings.data.enabled ? (
        <Schedule settings={settings.data} />
      ) : (
        <EmptyState title={t('exports.off')}>
          <p>{t('exports.offHint')}</p>
          <p>
            <Link href="/settings">{t('exports.toSettings')}</Link>
          </p>
        </EmptyState>
      )}
      <h2>{t('exports.days')}</h2>
      <ErrorNotice error={days.error} />
      <ul class={styles.list}>
        {days.data.data.map((day) => (
          <Day key={day.day} day={day} settings={settings.data!} afterResend={days.reload} />
        ))}
      </ul>
      {days.data.nextCursor && (
        <button type="button" class={styles.older} data-filter onClick={() => setShown((count) => count + DAYS_PER_PAGE)}>
          {t('exports.older')}
        </button>
      )}
    </>
  );
}

/** The API's most days in one answer. */
const MOST_DAYS = 92;

/**
 * The newest `count` days, page after page. The list is always read from the top, so following a resend keeps every
 * day shown so far.
 */
async function loadDays(count: number): Promise<Schemas['ExportDayList']> {
  const data: ExportDay[] = [];
  let before: string | undefined;
  for (;;) {
    const page = await expectData(api.GET('/v1/exports', { params: { query: { limit: Math.min(count - data.length, MOST_DAYS), before } } }));
    data.push(...page.data);
    if (!page.nextCursor || data.length >= count) return { data, nextCursor: page.nextCursor };
    before = page.nextCursor;
  }
}

function Schedule({ settings }: { settings: ExportSettings }) {
  const { t, format, formatDay, locale } = useI18n();
  return (
    <p class={styles.schedule}>
      {t('exports.schedule', { time: settings.localTime, recipients: listOf(settings.recipients, locale) })}
      {settings.nextExport && (
        <>
          {' '}
          {t('exports.next', { day: formatDay(settings.nextExport.day), when: format(settings.nextExport.dueAt, 'dateTime') })}
        </>
      )}
    </p>
  );
}

function Day({ day, settings, afterResend }: { day: ExportDay; settings: ExportSettings; afterResend: () => Promise<void> }) {
  const { t, format, formatDay, locale } = useI18n();
  const { canChange } = useSession();
  const look = STATE_LOOK[day.state];
  const file = `orders-${day.day}.csv`;
  const written = formatDay(day.day);
  // Only a day that is over can be mailed again, and only to recipients the settings name.
  const over = day.day < todayIn(settings.timezone);
  const resend = async () => {
    await expectData(api.POST('/v1/exports/{day}/resend', { params: { path: { day: day.day } } }));
    await afterResend();
  };
  return (
    <li class={styles.day} data-day={day.day} data-state={day.state}>
      <div class={styles.head}>
        <h3>
          <time dateTime={day.day}>{written}</time>
        </h3>
        <span class={styles.badge} data-status={look.tone}>
          {t(look.words)}
        </span>
      </div>
      {day.state === 'upcoming' || day.state === 'due' ? (
        <p class={styles.muted}>{t('exports.dueAt', { when: format(day.dueAt, 'dateTime') })}</p>
      ) : (
        day.state === 'not_scheduled' && day.entries.length === 0 && <p class={styles.muted}>{t('exports.notScheduled')}</p>
      )}
      {day.entries.length > 0 && (
        <ol class={styles.entries}>
          {day.entries.map((entry) => (
            <li key={entry.id} data-entry={entry.kind} data-state={entry.state}>
              <strong>{t(`exports.kind.${entry.kind}` as MessageKey)}</strong> · {t(STATE_LOOK[entry.state].words)}
              {' — '}
              {entry.state === 'sent' && entry.sentAt
                ? t('exports.entrySent', { orders: entry.orders ?? 0, when: format(entry.sentAt, 'dateTime'), recipients: listOf(entry.recipients, locale) })
                : entry.state === 'failed'
                  ? t('exports.entryFailed', { error: entry.error?.message ?? '' })
                  : t('exports.entryPending', { recipients: listOf(entry.recipients, locale) })}
              {entry.possibleDuplicate && <span class={styles.muted}> {t('exports.possibleDuplicate')}</span>}
            </li>
          ))}
        </ol>
      )}
      <div class={styles.actions}>
        <a href={`/v1/exports/${day.day}.csv`} download={file} class={styles.download}>
          {t('exports.download', { file })}
        </a>
        {canChange && over && (
          <ConfirmButton
            label={t('exports.resend')}
            question={t('exports.resendQuestion', { day: written, recipients: listOf(settings.recipients, locale) })}
            confirmLabel={t('exports.resend')}
            onConfirm={resend}
          >
            <p>{t('exports.resendDetails')}</p>
          </ConfirmButton>
        )}
      </div>
    </li>
  );
}

/** `a, b and c` the reader's way. */
function listOf(items: string[], locale: string): string {
  return new Intl.ListFormat(locale, { type: 'conjunction' }).format(items);
}

/** Today's calendar day in `timeZone`, `YYYY-MM-DD`. */
function todayIn(timeZone: string): string {
  const { year, month, day } = wallClockAt(new Date(), timeZone);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
