import { LANGUAGES, useI18n, type Language } from '../i18n/i18n';
import type { MessageKey } from '../i18n/messages/en';
import styles from './ui.module.css';

/** Each language named in itself, so a reader finds theirs whatever the page is in. */
export function LanguagePicker() {
  const { t, language, setLanguage } = useI18n();
  return (
    <label class={styles.language}>
      <span class="visually-hidden">{t('shell.language')}</span>
      <select value={language} onChange={(event) => setLanguage(event.currentTarget.value as Language)}>
        {LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {t(`language.${code}` as MessageKey)}
          </option>
        ))}
      </select>
    </label>
  );
}
