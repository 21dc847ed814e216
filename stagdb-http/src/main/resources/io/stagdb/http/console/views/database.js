// A database's page: what it is, how to connect, its actions, its stats refreshing while the page
// is open, and its log followed live (Server-Sent Events, read with fetch so the key goes in a header).
import { h, fill, bytes, when } from "../dom.js";
import { connection } from "./connection.js";
import { databaseActions } from "./actions.js";

const enc = encodeURIComponent;
const STATS_EVERY_MS = 2000;
const LOG_LINES = 2000;

export async function databaseView(ctx) {
  const name = ctx.arg;
  const [db, databases, snapshots] = await Promise.all([ctx.api.get(`/v1/databases/${enc(name)}`),
    ctx.api.all("/v1/databases"), ctx.api.all("/v1/snapshots")]);
  const own = snapshots.filter((s) => s.database === name);
  const stats = h("div", { id: "stats", "aria-live": "off" }, h("p", { class: "muted" }, "Loading stats…"));
  const statsState = h("p", { class: "muted", id: "stats-state" });
  const log = h("pre", { class: "log", id: "log", tabindex: "0", "aria-label": `Log of ${name}` });
  const logState = h("span", { class: "muted", id: "log-state", "aria-live": "polite" });
  let timer = null;
  let stream = null;
  let stopped = false;

  async function refreshStats() {
    try {
      const s = await ctx.api.get(`/v1/databases/${enc(name)}/stats`);
      fill(stats, statsCards(s));
      statsState.textContent = `Updated ${new Date().toLocaleTimeString()}, every ${STATS_EVERY_MS / 1000} s while this page is open.`;
    } catch (e) {
      statsState.textContent = `Stats not available: ${e.message}${e.offline ? " (retrying)" : ""}`;
    }
    if (!stopped) timer = setTimeout(refreshStats, STATS_EVERY_MS);
  }

  function follow() {
    stream?.abort();
    stream = new AbortController();
    const signal = stream.signal;
    logState.textContent = "following";
    fill(log);
    ctx.api.stream(`/v1/databases/${enc(name)}/logs?follow=true&tail=100`, (type, data) => {
      if (type === "log") {
        const atEnd = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
        log.append(document.createTextNode(`${data}\n`));
        while (log.childNodes.length > LOG_LINES) log.firstChild.remove();
        if (atEnd) log.scrollTop = log.scrollHeight;
      } else if (type === "end") {
        logState.textContent = `stream ended: ${data}`;
      }
    }, signal).then((why) => {
      if (!signal.aborted && !logState.textContent.startsWith("stream ended")) logState.textContent = `stream ended: ${why}`;
    }, (e) => { if (!signal.aborted) logState.textContent = `not following: ${e.message}`; });
  }

  const after = async () => {
    try {
      await ctx.api.get(`/v1/databases/${enc(name)}`);
      ctx.refresh();
    } catch (e) {
      if (e.status === 404) location.hash = "#/databases"; else throw e;
    }
  };
  const node = h("section", {},
    h("div", { class: "title" }, h("h1", { tabindex: "-1" }, db.name, " ", h("span", { class: `status status-${db.status}`, id: "status" }, db.status)),
      h("span", { class: "actions" }, databaseActions(ctx, db, { databases, snapshots }, after))),
    db.statusDetail ? h("p", { class: "muted" }, db.statusDetail) : null,
    h("div", { class: "grid three" },
      h("div", { class: "card" }, h("h2", {}, "Database"), h("dl", { class: "facts" },
        fact("Engine", `${db.type} ${db.version}`), fact("Port", db.connection ? db.connection.port : "–"),
        fact("User", db.connection ? db.connection.username : "–"), fact("Database", db.connection ? db.connection.database : "–"),
        fact("Resources", db.resources ? `${db.resources.memory} memory, ${db.resources.cpu} CPU, ${db.resources.storage} storage` : "–"),
        fact("Origin", db.origin ? h("span", {}, "snapshot ", h("code", {}, db.origin)) : "created from scratch"),
        fact("Expires", db.expiresAt ? when(db.expiresAt) : "never"), fact("Created", when(db.createdAt)),
        db.extensions ? fact("Extensions", db.extensions.join(", ")) : null,
        db.settings ? fact("Settings", Object.entries(db.settings).map(([k, v]) => `${k}=${v}`).join(", ")) : null,
        Object.keys(db.labels || {}).length ? fact("Labels", Object.entries(db.labels).map(([k, v]) => `${k}=${v}`).join(", ")) : null),
      h("h2", {}, "Connection"), connection(db)),
      h("div", { class: "card" }, h("h2", {}, "Stats"), stats, statsState),
      h("div", { class: "card" }, h("h2", {}, "Snapshots"),
        own.length ? h("ul", {}, own.map((s) => h("li", {}, h("code", {}, s.name), " ", h("span", { class: "muted" }, when(s.createdAt)),
          s.branches && s.branches.length ? h("span", {}, " → ", s.branches.join(", ")) : null)))
          : h("p", { class: "muted" }, "None yet."))),
    h("div", { class: "title" }, h("h2", {}, "Log"), logState,
      h("button", { type: "button", class: "small secondary", id: "log-follow", onclick: follow }, "Follow again")),
    log);
  refreshStats();
  if (db.status !== "deleting") follow();
  return { node, title: db.name, stop() { stopped = true; clearTimeout(timer); stream?.abort(); } };
}

function fact(term, value) {
  return [h("dt", {}, term), h("dd", {}, value)];
}

function statsCards(s) {
  const c = s.container;
  const e = s.engine;
  const v = s.storage;
  const meter = (used, total) => {
    if (!total) return null;
    const bar = h("span");
    bar.style.width = `${Math.min(100, Math.round((100 * used) / total))}%`;   // through the CSSOM: the policy allows no style attributes
    return h("div", { class: "meter", role: "img", "aria-label": `${Math.round((100 * used) / total)}% used` }, bar);
  };
  return h("dl", { class: "facts" },
    h("dt", {}, "CPU"), h("dd", { id: "stats-cpu" }, c ? `${c.cpuPercent}%` : h("span", { class: "muted" }, "not running")),
    h("dt", {}, "Memory"), h("dd", { id: "stats-memory" }, c ? `${bytes(c.memoryUsedBytes)} of ${bytes(c.memoryLimitBytes)}` : "–",
      c ? meter(c.memoryUsedBytes, c.memoryLimitBytes) : null),
    h("dt", {}, "Storage"), h("dd", { id: "stats-storage" }, `${bytes(v.usedBytes)} used, ${bytes(v.referencedBytes)} referenced, quota ${bytes(v.quotaBytes)}`,
      v.writtenBytes !== null && v.writtenBytes !== undefined ? `; ${bytes(v.writtenBytes)} written since its origin` : null,
      meter(v.usedBytes, v.quotaBytes)),
    h("dt", {}, "Engine"), h("dd", { id: "stats-engine" }, e ? `${bytes(e.sizeBytes)} of data, ${e.connections} connection${e.connections === 1 ? "" : "s"}` : "–"));
}
