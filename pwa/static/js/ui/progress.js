// A long first sync's progress under the header: "Haetaan tietoja: 3 500 / noin 31 000" and a bar.
// Its own element rather than part of the pill or a screen: it shows over every screen, the rep
// keeps working below it (cards already pulled open), and no screen redraws for it.
import { app } from "../core.js";
import { fmtNumber, t } from "../i18n.js";

const ID = "sync-progress";

/** The words for sync.js's progress ({done, total}, total about or null). */
export function progressText(progress) {
  const { done, total } = progress;
  return total ? t("sync_progress", { count: total, done: fmtNumber(done) }) : t("sync_progress_count", { count: done });
}

function element() {
  let box = document.getElementById(ID);
  if (box) return box;
  box = document.createElement("div");
  box.id = ID;
  box.className = "sync-progress";
  box.dataset.testid = "sync-progress";
  const text = document.createElement("span");
  text.id = `${ID}-text`;
  const bar = document.createElement("progress");
  bar.setAttribute("aria-labelledby", text.id);
  box.append(text, bar);
  document.querySelector("header.top").after(box);
  return box;
}

/** Show or hide the progress from the sync state (only while a pull has more pages to come). */
export function renderProgress() {
  const { status, progress } = app.syncState();
  const show = Boolean(app.user && status === "syncing" && progress);
  if (!show) {
    const box = document.getElementById(ID);
    if (box) box.hidden = true;
    return;
  }
  const box = element();
  box.hidden = false;
  box.querySelector("span").textContent = progressText(progress);
  const bar = box.querySelector("progress");
  if (progress.total) {
    bar.max = progress.total;
    bar.value = Math.min(progress.done, progress.total);
  } else {
    bar.removeAttribute("value"); // indeterminate: no estimate from an older server
  }
}

/** Follow the app's sync events (and a language change) from now on. */
export function installProgress() {
  app.on((kind) => {
    if (kind === "sync" || kind === "lang") renderProgress();
  });
}
