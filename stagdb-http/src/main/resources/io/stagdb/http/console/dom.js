// DOM building without innerHTML: every text the API returns is set as text, never parsed as HTML.

/** h("button", {class: "x", onclick: f}, "text", child...): an element; null and false children are skipped. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Bytes as KB/MB/GB with one decimal. */
export function bytes(n) {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

/** An ISO instant as local date and time, and "in 2h" / "3m ago" beside it. */
export function when(iso) {
  if (!iso) return "–";
  const t = new Date(iso);
  const s = Math.round((t.getTime() - Date.now()) / 1000);
  const a = Math.abs(s);
  const rel = a < 60 ? `${a}s` : a < 3600 ? `${Math.round(a / 60)}m` : a < 86400 ? `${Math.round(a / 3600)}h` : `${Math.round(a / 86400)}d`;
  return `${t.toLocaleString()} (${s >= 0 ? "in " + rel : rel + " ago"})`;
}

/**
 * Runs a long action from a button: the button is disabled and says what is happening, and the
 * status element shows the outcome. Returns the action's result, or undefined when it failed
 * (the failure is shown by `onError`).
 */
export async function busy(button, label, action, onError) {
  const text = button.textContent;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  button.textContent = label;
  try {
    return await action();
  } catch (e) {
    onError(e);
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    button.textContent = text;
  }
}
