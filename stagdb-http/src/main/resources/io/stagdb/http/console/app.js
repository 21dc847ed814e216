// The console's shell: the key (kept in this browser session only), the navigation, one view at a
// time, and how failures are shown. Views load everything they need before they replace the page,
// so a failure never leaves half a page behind.
import { Api, ApiError } from "./api.js";
import { h, fill } from "./dom.js";
import { databasesView } from "./views/databases.js";
import { lineageView } from "./views/lineage.js";
import { databaseView } from "./views/database.js";
import { createView } from "./views/create.js";
import { adminView } from "./views/admin.js";

const KEY = "stagdb.key";
const main = document.getElementById("main");
const nav = document.getElementById("nav");
const notice = document.getElementById("notice");
let current = null;   // the view on the page: {node, stop()}
let generation = 0;   // a navigation started later wins over one still loading

const routes = [
  [/^#?\/?(databases)?$/, () => databasesView],
  [/^#\/lineage$/, () => lineageView],
  [/^#\/databases\/([a-z][a-z0-9-]*)$/, () => databaseView],
  [/^#\/create$/, () => createView],
  [/^#\/admin$/, () => adminView],
];

/** Shows a failure: the problem's title and detail, next to its field when the form has one, with a retry when the server went away. */
export function showError(e, form) {
  const error = e instanceof ApiError ? e : new ApiError(0, { title: "Unexpected error", detail: String(e && e.message || e) });
  if (error.status === 401) return signOut(error);
  // the field's own message slot, or the one of the field it belongs to (config.env.FOO -> config.env)
  const target = form && error.field ? [...form.querySelectorAll("[data-error]")]
    .filter((el) => error.field === el.dataset.error || error.field.startsWith(`${el.dataset.error}.`))
    .sort((a, b) => b.dataset.error.length - a.dataset.error.length)[0] : null;
  if (target) {
    fill(target, error.message);
    const control = target.parentElement.querySelector("input, select, textarea");   // the slot sits beside its control
    control?.setAttribute("aria-invalid", "true");
    control?.focus();
    return;
  }
  const text = [h("strong", {}, error.title), " ", error.message === error.title ? "" : error.message];
  fill(notice, h("p", {}, text), error.offline ? h("button", { type: "button", onclick: () => { clearNotice(); render(); } }, "Retry") : null,
    h("button", { type: "button", class: "quiet", "aria-label": "Dismiss", onclick: clearNotice }, "×"));
  notice.className = error.offline ? "notice offline" : "notice error";
  notice.hidden = false;
}

/** A passing message (done, token created…). */
export function showInfo(message) {
  fill(notice, h("p", {}, message), h("button", { type: "button", class: "quiet", "aria-label": "Dismiss", onclick: clearNotice }, "×"));
  notice.className = "notice info";
  notice.hidden = false;
}

function clearNotice() {
  notice.hidden = true;
  notice.replaceChildren();
}

function signOut(error) {
  sessionStorage.removeItem(KEY);
  keyForm(error ? `The server did not accept the key: ${error.message}` : null);
}

async function render() {
  const key = sessionStorage.getItem(KEY);
  if (!key) return keyForm(null);
  const api = new Api(key);
  const mine = ++generation;
  const match = routes.find(([pattern]) => pattern.test(location.hash));
  if (!match) { location.hash = "#/databases"; return; }
  const arg = location.hash.match(match[0])[1];
  current?.stop?.();
  current = null;
  main.setAttribute("aria-busy", "true");
  try {
    const view = await match[1]()({ api, arg, showError, showInfo, refresh: render, isAdmin: sessionStorage.getItem(KEY + ".admin") === "1" });
    if (mine !== generation) { view.stop?.(); return; }
    current = view;
    fill(main, view.node);
    markNav();
    document.title = `${view.title} · stagDB`;
    main.querySelector("h1")?.focus({ preventScroll: true });
  } catch (e) {
    if (mine !== generation) return;
    fill(main, h("h1", { tabindex: "-1" }, "Not loaded"), h("p", { class: "muted" }, "This page could not be loaded; see the message above."));
    showError(e);
  } finally {
    main.removeAttribute("aria-busy");
  }
}

function markNav() {
  for (const a of nav.querySelectorAll("a")) {
    const active = location.hash.startsWith(a.getAttribute("href")) || (a.getAttribute("href") === "#/databases" && location.hash.startsWith("#/databases/"));
    if (active) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
  }
}

/** The first page: the key, checked against the server before anything else loads. */
function keyForm(message) {
  current?.stop?.();
  current = null;
  nav.hidden = true;
  clearNotice();
  const input = h("input", { id: "key", name: "key", type: "password", autocomplete: "off", required: true, spellcheck: "false", placeholder: "stagdb_…" });
  const error = h("p", { class: "field-error", id: "key-error", role: "alert" }, message || "");
  const button = h("button", { type: "submit" }, "Open the console");
  const form = h("form", { class: "card narrow", onsubmit: async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    button.disabled = true;
    fill(error, "Checking the key…");
    try {
      const api = new Api(key);
      await api.get("/v1/databases?limit=1");
      let admin = false;
      try { await api.get("/v1/api-keys?limit=1"); admin = true; } catch (e) { if (!(e instanceof ApiError) || e.status !== 403) throw e; }
      sessionStorage.setItem(KEY, key);
      sessionStorage.setItem(KEY + ".admin", admin ? "1" : "0");
      nav.hidden = false;
      fill(error);
      if (!location.hash || location.hash === "#/") location.hash = "#/databases"; else render();
    } catch (e) {
      const why = e instanceof ApiError
        ? e.offline ? `Cannot reach the stagDB server: ${e.message}`
          : e.status === 401 ? `The server did not accept this key: ${e.message}`
            : e.status === 403 ? `This key may not use the console (${e.message})` : `${e.title}: ${e.message}`
        : String(e);
      fill(error, why);
      input.setAttribute("aria-invalid", "true");
      input.focus();
    } finally {
      button.disabled = false;
    }
  } },
  h("h1", { tabindex: "-1" }, "stagDB console"),
  h("p", {}, "Enter an API key. It is kept in this browser tab only, until you sign out or close it."),
  h("label", { for: "key" }, "API key"), input, error, button);
  fill(main, form);
  document.title = "Sign in · stagDB";
  input.focus();
}

document.getElementById("signout").addEventListener("click", () => signOut(null));
window.addEventListener("hashchange", () => { clearNotice(); render(); });
if (sessionStorage.getItem(KEY)) nav.hidden = false;
render();
