import type { ComponentType } from 'preact';
import { CampaignPage } from './campaigns/campaign-page';
import { CampaignsPage } from './campaigns/campaigns-page';
import { CustomerPage } from './customers/customer-page';
import { CustomersPage } from './customers/customers-page';
import { I18nProvider, useI18n } from './i18n/i18n';
import type { MessageKey } from './i18n/messages/en';
import { useStreamState } from './live/use-live';
import { OrderPage } from './orders/order-page';
import { OrdersPage } from './orders/orders-page';
import { ProblemsPage } from './problems/problems-page';
import { Link, match, usePath } from './router/router';
import { SessionProvider, useSession, useSessionApi } from './session/session';
import { SignInPage } from './session/sign-in-page';
import { SettingsPage } from './settings/settings-page';
import { TemplatesPage } from './templates/templates-page';
import { TodayPage } from './today/today-page';
import { Loading } from './ui/components';
import { LanguagePicker } from './ui/language-picker';
import styles from './app.module.css';

type Page = ComponentType<{ params: Record<string, string>; path: string }>;

/** Every page, by path under /console; the first match wins. */
const ROUTES: [string, Page][] = [
  ['/', TodayPage],
  ['/orders', OrdersPage],
  ['/orders/:id', OrderPage],
  ['/problems', ProblemsPage],
  ['/customers', CustomersPage],
  ['/customers/:id', CustomerPage],
  ['/templates', TemplatesPage],
  ['/campaigns', CampaignsPage],
  ['/campaigns/:id', CampaignPage],
  ['/settings', SettingsPage],
];

const NAVIGATION: [string, MessageKey][] = [
  ['/', 'nav.today'],
  ['/orders', 'nav.orders'],
  ['/problems', 'nav.problems'],
  ['/customers', 'nav.customers'],
  ['/templates', 'nav.templates'],
  ['/campaigns', 'nav.campaigns'],
  ['/settings', 'nav.settings'],
];

export function App() {
  return (
    <I18nProvider>
      <SessionProvider>
        <Shell />
      </SessionProvider>
    </I18nProvider>
  );
}

function Shell() {
  const { state } = useSessionApi();
  if (state.status === 'loading') return <Loading />;
  if (state.status === 'signed-out') return <SignInPage ended={state.ended} />;
  return <SignedIn />;
}


function SignedIn() {
  const { t } = useI18n();
  const session = useSession();
  const { signOut } = useSessionApi();
  const path = usePath();
  const stream = useStreamState();
  const section = `/${path.split(/[/?]/)[1] ?? ''}`;
  const route = ROUTES.map(([pattern, page]) => [match(pattern, path), page] as const).find(([params]) => params);

  return (
    <div class={styles.shell}>
      <a class={styles.skip} href="#main">
        {t('shell.skipToContent')}
      </a>
      <header class={styles.top}>
        <span class={styles.brand}>{session.merchant.name}</span>
        {!session.canChange && <span class={styles.readOnly}>{t('shell.readOnly')}</span>}
        {session.view.scope === 'test' && <span class={styles.testMode}>{t('shell.testMode')}</span>}
        <span class={styles.live} data-state={stream} role="status">
          {t(`stream.${stream}` as MessageKey)}
        </span>
        <LanguagePicker />
        <button type="button" onClick={() => void signOut()}>
          {t('shell.signOut')}
        </button>
      </header>
      <nav class={styles.nav} aria-label={t('shell.navigation')}>
        <ul>
          {NAVIGATION.map(([href, key]) => (
            <li key={href}>
              <Link href={href} aria-current={section === href ? 'page' : undefined}>
                {t(key)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" class={styles.main} tabIndex={-1}>
        {route ? (() => {
          const [params, Page] = route;
          return <Page key={path.split('?')[0]} params={params!} path={path} />;
        })() : <p>{t('shell.notFound')}</p>}
      </main>
    </div>
  );
}
