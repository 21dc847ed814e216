// Keys and webhooks: API keys for admin keys (list, create with the token shown once, revoke) and
// webhooks with their deliveries' status.
import { h, fill, busy, when } from "../dom.js";
import { ask } from "./actions.js";

const enc = encodeURIComponent;

export async function adminView(ctx) {
  const [keys, hooks] = await Promise.all([ctx.isAdmin ? ctx.api.all("/v1/api-keys") : Promise.resolve(null), ctx.api.all("/v1/webhooks")]);
  const deliveries = await Promise.all(hooks.map((w) => ctx.api.get(`/v1/webhooks/${enc(w.id)}/deliveries?limit=20`)));
  const token = h("div", { id: "new-token", "aria-live": "polite" });

  const keyName = h("input", { id: "k-name", name: "name", required: true, autocomplete: "off", placeholder: "ci" });
  const keyScope = h("select", { id: "k-scope", name: "scope" }, ["standard", "admin", "metrics"].map((s) => h("option", { value: s }, s)));
  const keyButton = h("button", { type: "submit" }, "Create key");
  const keyForm = h("form", { class: "row", onsubmit: (e) => {
    e.preventDefault();
    for (const slot of keyForm.querySelectorAll("[data-error]")) slot.textContent = "";
    busy(keyButton, "Creating…", async () => {
      const created = await ctx.api.post("/v1/api-keys", { name: keyName.value.trim(), scope: keyScope.value });
      await ctx.refresh();
      // after the refresh: the new page's slot shows the token, once
      const slot = document.getElementById("new-token");
      fill(slot, h("div", { class: "card" }, h("p", {}, `Key ${created.name} (${created.scope}) created. Copy its token now: it is not shown again.`),
        h("p", { class: "token", id: "token-value" }, created.key)));
    }, (err) => ctx.showError(err, keyForm));
  } },
  h("div", {}, h("label", { for: "k-name" }, "Name"), keyName, h("p", { class: "field-error", dataset: { error: "name" } })),
  h("div", {}, h("label", { for: "k-scope" }, "Scope"), keyScope, h("p", { class: "field-error", dataset: { error: "scope" } })),
  h("div", { class: "actions" }, keyButton));

  const revoke = (k) => {
    const button = h("button", { type: "button", class: "small danger", "aria-label": `Revoke key ${k.name}` }, "Revoke");
    button.addEventListener("click", async () => {
      if (!(await ask(`Revoke key ${k.name}?`, h("p", {}, "Requests with it are refused from now on."), [], "Revoke", true))) return;
      await busy(button, "Revoking…", async () => { await ctx.api.delete(`/v1/api-keys/${enc(k.id)}`); ctx.showInfo(`Key ${k.name} revoked.`); await ctx.refresh(); }, ctx.showError);
    });
    return button;
  };

  const keySection = keys === null
    ? h("p", { class: "card muted" }, "API keys are managed with an admin key; this one is not.")
    : [h("div", { class: "card" }, h("h2", {}, "New key"), keyForm), token,
      h("table", { id: "keys" }, h("thead", {}, h("tr", {}, ["Name", "Id", "Scope", "Created", "Revoked", ""].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, keys.map((k) => h("tr", { dataset: { key: k.id } }, h("td", {}, k.name), h("td", {}, h("code", {}, k.id)), h("td", {}, k.scope),
          h("td", {}, when(k.createdAt)), h("td", {}, k.revokedAt ? when(k.revokedAt) : "–"), h("td", {}, k.revokedAt ? null : revoke(k))))))];

  const hookSection = hooks.length
    ? hooks.map((w, i) => h("div", { class: "card", dataset: { webhook: w.id } },
      h("h2", {}, h("code", {}, w.url)), h("p", { class: "muted" }, `events: ${w.events.join(", ") || "all"} · created ${when(w.createdAt)}`),
      deliveries[i].items.length
        ? h("table", {}, h("thead", {}, h("tr", {}, ["Event", "Status", "Attempts", "Last answer", "Next attempt", "Updated"].map((c) => h("th", { scope: "col" }, c)))),
          h("tbody", {}, deliveries[i].items.map((d) => h("tr", {}, h("td", {}, d.type), h("td", {}, h("span", { class: `status status-${d.status}` }, d.status)),
            h("td", {}, d.attempts), h("td", {}, d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : d.lastError || "–"),
            h("td", {}, d.nextAttemptAt ? when(d.nextAttemptAt) : "–"), h("td", {}, when(d.updatedAt))))))
        : h("p", { class: "muted" }, "No deliveries yet.")))
    : h("p", { class: "card muted" }, "No webhooks. Create them with POST /v1/webhooks.");

  const node = h("section", {}, h("h1", { tabindex: "-1" }, "Keys & webhooks"), h("h2", {}, "API keys"), keySection, h("h2", {}, "Webhooks"), hookSection);
  return { node, title: "Keys & webhooks" };
}
