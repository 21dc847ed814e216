// A database's connection string: the password hidden until asked for, and a copy button.
import { h } from "../dom.js";

export function masked(db) {
  const password = db.connection && db.connection.password;
  return password ? db.url.replace(`:${encodeURIComponent(password)}@`, ":••••••@") : db.url;
}

export function connection(db) {
  if (!db.url) return h("span", { class: "muted" }, "–");
  const text = h("code", { class: "mono", dataset: { connection: db.name } }, masked(db));
  let shown = false;
  const reveal = h("button", { type: "button", class: "small secondary", "aria-pressed": "false", "aria-label": `Reveal the password of ${db.name}`,
    onclick: () => {
      shown = !shown;
      text.textContent = shown ? db.url : masked(db);
      reveal.textContent = shown ? "Hide" : "Reveal";
      reveal.setAttribute("aria-pressed", String(shown));
    } }, "Reveal");
  const copy = h("button", { type: "button", class: "small secondary", "aria-label": `Copy the connection string of ${db.name}`,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(db.url);
        copy.textContent = "Copied";
      } catch {
        const range = document.createRange();   // no clipboard access: select it for Ctrl+C
        text.textContent = db.url;
        range.selectNodeContents(text);
        getSelection().removeAllRanges();
        getSelection().addRange(range);
        copy.textContent = "Selected: press Ctrl+C";
      }
      setTimeout(() => { copy.textContent = "Copy"; }, 2000);
    } }, "Copy");
  return h("span", { class: "connection" }, text, reveal, copy);
}
