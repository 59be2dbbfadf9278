/**
 * i18next with the two catalogs; the browser's language picks one (Japanese
 * for `ja*`, English otherwise) until the person chooses, and the choice is kept.
 */
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { ja } from './ja';

export const languages = { en: 'English', ja: '日本語' } as const;
export type Language = keyof typeof languages;

const KEY = 'koguma.language';
const stored = localStorage.getItem(KEY);
const initial: Language =
  stored === 'en' || stored === 'ja' ? stored : navigator.language.toLowerCase().startsWith('ja') ? 'ja' : 'en';

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, ja: { translation: ja } },
  lng: initial,
  fallbackLng: 'en',
  interpolation: { escapeValue: false },
  returnNull: false,
});
document.documentElement.lang = initial;

export function chooseLanguage(language: Language): void {
  localStorage.setItem(KEY, language);
  document.documentElement.lang = language;
  void i18n.changeLanguage(language);
}

export default i18n;
