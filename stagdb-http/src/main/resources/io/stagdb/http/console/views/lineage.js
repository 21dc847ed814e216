// Lineage: each database, its snapshots, the branches made from each snapshot, and theirs, as a
// tree; every node carries its actions.
import { h } from "../dom.js";
import { databaseActions, snapshotActions } from "./actions.js";

export async function lineageView(ctx) {
  const [databases, snapshots] = await Promise.all([ctx.api.all("/v1/databases"), ctx.api.all("/v1/snapshots")]);
  const all = { databases, snapshots };
  const names = new Set(snapshots.map((s) => s.name));
  const roots = databases.filter((d) => !d.origin || !names.has(d.origin));

  const databaseNode = (d) => h("li", { role: "treeitem", "aria-expanded": "true", dataset: { node: `database:${d.name}` } },
    h("div", { class: "node database" },
      h("span", { class: "kind" }, d.origin ? "branch" : "database"),
      h("a", { class: "name", href: `#/databases/${d.name}` }, d.name),
      h("span", { class: "muted" }, `${d.type} ${d.version}`),
      h("span", { class: `status status-${d.status}` }, d.status),
      d.connection ? h("span", { class: "muted" }, `:${d.connection.port}`) : null,
      h("span", { class: "actions" }, databaseActions(ctx, d, all, ctx.refresh))),
    children(snapshots.filter((s) => s.database === d.name).map(snapshotNode)));

  const snapshotNode = (s) => h("li", { role: "treeitem", "aria-expanded": "true", dataset: { node: `snapshot:${s.name}` } },
    h("div", { class: "node snapshot" },
      h("span", { class: "kind" }, s.automatic ? "auto snap" : "snapshot"),
      h("span", { class: "name" }, s.name),
      h("span", { class: "muted" }, new Date(s.createdAt).toLocaleString()),
      h("span", { class: "actions" }, snapshotActions(ctx, s, all, ctx.refresh))),
    children(databases.filter((d) => d.origin === s.name).map(databaseNode)));

  const children = (items) => (items.length ? h("ul", { role: "group" }, items) : null);
  const node = h("section", {},
    h("h1", { tabindex: "-1" }, "Lineage"),
    h("p", { class: "muted" }, "Databases, their snapshots, and the branches made from each snapshot."),
    roots.length ? h("ul", { class: "tree", role: "tree", "aria-label": "Lineage" }, roots.map(databaseNode))
      : h("p", { class: "card" }, "No databases yet. ", h("a", { href: "#/create" }, "Create one"), "."));
  return { node, title: "Lineage" };
}
