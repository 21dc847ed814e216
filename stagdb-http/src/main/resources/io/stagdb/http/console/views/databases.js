// Databases: every database and branch with engine, status, port, resources, connection, TTL and origin; filters by engine and status.
import { h, when } from "../dom.js";
import { connection } from "./connection.js";

export async function databasesView(ctx) {
  const databases = await ctx.api.all("/v1/databases");
  const engines = [...new Set(databases.map((d) => d.type))].sort();
  const statuses = [...new Set(databases.map((d) => d.status))].sort();
  const params = new URLSearchParams(sessionStorage.getItem("stagdb.filters") || "");
  const select = (id, label, values) => h("label", { for: id }, label, " ",
    h("select", { id, onchange: apply }, h("option", { value: "" }, "all"),
      values.map((v) => h("option", { value: v, selected: params.get(id) === v }, v))));
  const engine = select("engine", "Engine", engines);
  const status = select("status", "Status", statuses);
  const body = h("tbody");
  const count = h("p", { class: "muted", "aria-live": "polite" });

  function apply() {
    const e = engine.querySelector("select").value;
    const s = status.querySelector("select").value;
    sessionStorage.setItem("stagdb.filters", new URLSearchParams({ engine: e, status: s }).toString());
    const shown = databases.filter((d) => (!e || d.type === e) && (!s || d.status === s));
    body.replaceChildren(...shown.map(row));
    count.textContent = `${shown.length} of ${databases.length} database${databases.length === 1 ? "" : "s"}`;
  }

  function row(d) {
    return h("tr", { dataset: { database: d.name } },
      h("td", {}, h("a", { href: `#/databases/${d.name}` }, d.name)),
      h("td", {}, `${d.type} ${d.version}`),
      h("td", {}, h("span", { class: `status status-${d.status}`, title: d.statusDetail || "" }, d.status)),
      h("td", {}, d.connection ? d.connection.port : "–"),
      h("td", {}, d.resources ? `${d.resources.memory} · ${d.resources.cpu} CPU · ${d.resources.storage}` : "–"),
      h("td", {}, connection(d)),
      h("td", {}, d.expiresAt ? when(d.expiresAt) : h("span", { class: "muted" }, "none")),
      h("td", {}, d.origin ? h("span", {}, "snapshot ", h("code", {}, d.origin)) : h("span", { class: "muted" }, "created")));
  }

  apply();
  const node = h("section", {},
    h("h1", { tabindex: "-1" }, "Databases"),
    h("div", { class: "filters" }, engine, status, h("a", { class: "button", href: "#/create" }, "Create database")),
    count,
    databases.length ? h("table", {}, h("thead", {}, h("tr", {}, ["Name", "Engine", "Status", "Port", "Resources", "Connection", "Expires", "Origin"].map((c) => h("th", { scope: "col" }, c)))), body)
      : h("p", { class: "card" }, "No databases yet. ", h("a", { href: "#/create" }, "Create one"), "."));
  return { node, title: "Databases" };
}
