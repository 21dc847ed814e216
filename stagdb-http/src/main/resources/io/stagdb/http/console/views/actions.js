// What can be done to a database or snapshot, from the lineage tree or a database's page. Each
// action asks for what it needs in a dialog, runs with its button showing progress, waits (bounded)
// for background work the server answered 202 for, and reports through ctx.showError/showInfo.
import { ApiError } from "../api.js";
import { h, fill, busy } from "../dom.js";

const dialog = document.getElementById("dialog");
const enc = encodeURIComponent;

/** A modal form: resolves to the entered values, or null when cancelled. fields: [{name, label, hint, value, required}] */
export function ask(title, text, fields, submitLabel, danger = false) {
  return new Promise((resolve) => {
    const inputs = fields.map((f) => h("input", { id: `dlg-${f.name}`, name: f.name, value: f.value || "", required: f.required,
      placeholder: f.placeholder || "", autocomplete: "off" }));
    const form = h("form", { method: "dialog", onsubmit: (e) => {
      e.preventDefault();
      const values = Object.fromEntries(inputs.map((i) => [i.name, i.value.trim()]));
      dialog.close();
      resolve(values);
    } },
    h("h2", {}, title), text ? h("div", {}, text) : null,
    fields.map((f, i) => [h("label", { for: `dlg-${f.name}` }, f.label, f.hint ? h("span", { class: "hint" }, ` ${f.hint}`) : null), inputs[i]]),
    h("div", { class: "actions" },
      h("button", { type: "submit", class: danger ? "danger" : null }, submitLabel),
      h("button", { type: "button", class: "secondary", onclick: () => { dialog.close(); resolve(null); } }, "Cancel")));
    fill(dialog, form);
    dialog.onclose = () => resolve(null);   // Escape; a second resolve is ignored
    dialog.showModal();
    (inputs[0] || form.querySelector("button")).focus();
  });
}

/** Polls until check() returns a value (or throws); shows the seconds so far in `progress`. Bounded at `seconds`. */
export async function until(what, check, progress, seconds = 180) {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    const s = Math.round((Date.now() - started) / 1000);
    if (s > seconds) throw new ApiError(0, { title: `${what} is taking long`, detail: `still not done after ${s} s; it goes on in the background; reload to see its state` });
    if (progress) progress(`${what}… ${s} s`);
    await new Promise((r) => setTimeout(r, 700));
  }
}

/** Waits until a database is running (resolves to it) or has failed (throws with the server's reason). */
export function untilRunning(ctx, name, progress, what = `Starting ${name}`) {
  return until(what, async () => {
    const db = await ctx.api.get(`/v1/databases/${enc(name)}`);
    if (db.status === "failed") throw new ApiError(0, { title: `${name} failed`, detail: db.statusDetail || "see its log" });
    return db.status === "running" ? db : null;
  }, progress);
}

/** Everything deleting `db` with cascade takes along: its snapshots and, under them, every branch and theirs. */
export function cascadeOf(name, databases, snapshots) {
  const out = [];
  const walk = (dbName) => {
    for (const s of snapshots.filter((s) => s.database === dbName)) {
      out.push(`snapshot ${s.name}`);
      for (const b of databases.filter((d) => d.origin === s.name)) {
        out.push(`branch ${b.name}`);
        walk(b.name);
      }
    }
  };
  walk(name);
  return out;
}

function snapshotCascade(name, databases, snapshots) {
  const out = [];
  for (const b of databases.filter((d) => d.origin === name)) {
    out.push(`branch ${b.name}`, ...cascadeOf(b.name, databases, snapshots));
  }
  return out;
}

function list(items) {
  return items.length ? h("ul", { class: "cascade" }, items.map((i) => h("li", {}, i))) : h("p", {}, "Nothing else depends on it.");
}

/** A button that runs `run(button)` with progress shown on it, and `after()` when it changed something. */
function actionButton(ctx, label, cls, target, described, run, after) {
  const button = h("button", { type: "button", class: `small ${cls}`, dataset: { action: label.toLowerCase(), target },
    "aria-label": `${label} ${described}` }, label);
  button.addEventListener("click", () => busy(button, `${label}…`, async () => { if (await run(button)) await after(); }, ctx.showError));
  return button;
}

/** Buttons for a database node or page; `after` runs once an action changed something. */
export function databaseActions(ctx, db, all, after) {
  const b = (label, cls, run) => actionButton(ctx, label, cls, db.name, db.name, run, after);
  const progress = (button) => (text) => { button.textContent = text; };
  const stopped = db.status === "stopped";
  return [
    b("Snapshot", "secondary", async () => {
      const v = await ask(`Snapshot ${db.name}`, null, [{ name: "name", label: "Snapshot name", hint: "(lower case, digits, -)", required: true, value: `${db.name}-${stamp()}` }], "Take snapshot");
      if (!v) return false;
      await ctx.api.post(`/v1/databases/${enc(db.name)}/snapshots`, { name: v.name });
      ctx.showInfo(`Snapshot ${v.name} of ${db.name} taken.`);
      return true;
    }),
    b("Branch", "secondary", (button) => branch(ctx, `/v1/databases/${enc(db.name)}/branches`, `Branch ${db.name} (its current state)`, progress(button))),
    db.origin ? b("Reset", "secondary", async (button) => {
      const v = await ask(`Reset ${db.name}`, h("p", {}, `Puts ${db.name} back to snapshot ${db.origin}, or to another snapshot you name. Its changes are lost.`),
        [{ name: "snapshot", label: "Snapshot", hint: "(empty: the one it came from)", value: "" }], "Reset", true);
      if (!v) return false;
      await ctx.api.post(`/v1/databases/${enc(db.name)}/reset${v.snapshot ? `?snapshot=${enc(v.snapshot)}` : ""}`);
      await untilRunning(ctx, db.name, progress(button), "Resetting");
      ctx.showInfo(`${db.name} is back at ${v.snapshot || db.origin}.`);
      return true;
    }) : null,
    stopped ? b("Start", "secondary", async () => { await ctx.api.post(`/v1/databases/${enc(db.name)}/start`); return true; })
      : b("Stop", "secondary", async () => { await ctx.api.post(`/v1/databases/${enc(db.name)}/stop`); return true; }),
    stopped ? null : b("Restart", "secondary", async () => { await ctx.api.post(`/v1/databases/${enc(db.name)}/restart`); return true; }),
    b("Delete", "danger", async (button) => {
      const taken = cascadeOf(db.name, all.databases, all.snapshots);
      const v = await ask(`Delete ${db.name}?`, h("div", {}, h("p", {}, taken.length ? `This also deletes:` : "It is deleted with its data."), taken.length ? list(taken) : null),
        [], taken.length ? `Delete ${db.name} and ${taken.length} more` : `Delete ${db.name}`, true);
      if (!v) return false;
      await ctx.api.delete(`/v1/databases/${enc(db.name)}?cascade=true`);
      await until(`Deleting ${db.name}`, async () => {
        try { await ctx.api.get(`/v1/databases/${enc(db.name)}`); return false; } catch (e) { if (e.status === 404) return true; throw e; }
      }, progress(button));
      ctx.showInfo(`${db.name} deleted${taken.length ? `, with ${taken.join(", ")}` : ""}.`);
      return true;
    }),
  ];
}

/** Buttons for a snapshot node. */
export function snapshotActions(ctx, snapshot, all, after) {
  const b = (label, cls, run) => actionButton(ctx, label, cls, snapshot.name, `snapshot ${snapshot.name}`, run, after);
  return [
    b("Branch", "secondary", (button) => branch(ctx, `/v1/snapshots/${enc(snapshot.name)}/branches`, `Branch snapshot ${snapshot.name}`,
      (t) => { button.textContent = t; })),
    b("Delete", "danger", async () => {
      const taken = snapshotCascade(snapshot.name, all.databases, all.snapshots);
      const v = await ask(`Delete snapshot ${snapshot.name}?`, h("div", {}, h("p", {}, taken.length ? "This also deletes:" : "No branch depends on it."), taken.length ? list(taken) : null),
        [], taken.length ? `Delete it and ${taken.length} more` : "Delete snapshot", true);
      if (!v) return false;
      await ctx.api.delete(`/v1/snapshots/${enc(snapshot.name)}?cascade=true`);
      ctx.showInfo(`Snapshot ${snapshot.name} deleted.`);
      return true;
    }),
  ];
}

async function branch(ctx, path, title, progress) {
  const v = await ask(title, null, [
    { name: "name", label: "Branch name", hint: "(lower case, digits, -)", required: true, placeholder: "feature-x" },
    { name: "ttl", label: "TTL", hint: "(e.g. 2h, 1d; empty: none)", placeholder: "2h" },
  ], "Create branch");
  if (!v) return false;
  progress(`Branching…`);
  const db = await ctx.api.post(path, v.ttl ? { name: v.name, ttl: v.ttl } : { name: v.name });
  if (db.status !== "running") await untilRunning(ctx, v.name, progress);
  ctx.showInfo(`Branch ${v.name} is running on port ${db.connection ? db.connection.port : "?"}.`);
  return true;
}

function stamp() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}
