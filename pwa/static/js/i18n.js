// Finnish and English strings for the PWA. Finnish when the browser prefers it, else English;
// the rep can override it in Settings (kept in IndexedDB meta "lang").
const LANGS = ["fi", "en"];
let strings = {};
let current = "en";

export function preferredLanguage(saved, navigatorLanguages = globalThis.navigator?.languages || []) {
  if (LANGS.includes(saved)) return saved;
  for (const tag of navigatorLanguages) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (LANGS.includes(base)) return base;
  }
  return "en";
}

export async function loadLanguage(lang) {
  const response = await fetch(`/static/i18n/${lang}.json`);
  strings = await response.json();
  current = lang;
  document.documentElement.lang = lang;
}

export function lang() {
  return current;
}

/** Translate a key; {name} placeholders are filled from params. A missing key shows itself. */
export function t(key, params = {}) {
  const text = strings[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (params[name] ?? ""));
}
