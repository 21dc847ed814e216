// Create: engine and version from what the server offers, resources within its bounds, env and init
// scripts. The database is created in the background; the form shows its progress and then opens it.
import { ApiError } from "../api.js";
import { h, fill, busy } from "../dom.js";
import { untilRunning } from "./actions.js";

export async function createView(ctx) {
  const offer = await ctx.api.get("/v1/capabilities");
  const types = [...new Set(offer.engines.map((e) => e.type))];
  const field = (name, label, control, hint) => h("div", {},
    h("label", { for: `f-${name}` }, label, hint ? h("span", { class: "hint" }, ` ${hint}`) : null), control,
    h("p", { class: "field-error", dataset: { error: name } }));
  const type = h("select", { id: "f-type", name: "type", onchange: versions },
    types.map((t) => h("option", { value: t, disabled: !offer.engines.some((e) => e.type === t && e.available) }, t)));
  const firstAvailable = offer.engines.find((e) => e.available);
  if (firstAvailable) type.value = firstAvailable.type;
  const version = h("select", { id: "f-version", name: "version" });
  const image = h("p", { class: "muted", id: "f-image" });
  function versions() {
    const list = offer.engines.filter((e) => e.type === type.value);
    fill(version, list.map((e) => h("option", { value: e.version, disabled: !e.available }, `${e.version}${e.available ? "" : " (image not on the server)"}`)));
    const pick = [...list].reverse().find((e) => e.available);
    if (pick) version.value = pick.version;
    showImage();
  }
  function showImage() {
    const e = offer.engines.find((x) => x.type === type.value && x.version === version.value);
    image.textContent = e ? `Image ${e.image}` : "";
  }
  version.addEventListener("change", showImage);
  versions();
  const r = offer.resources;
  const resource = (name, label) => field(`config.${name}`, label,
    h("input", { id: `f-config.${name}`, name, placeholder: r.default[name], autocomplete: "off" }), `(${r.min[name]} to ${r.max[name]}; default ${r.default[name]})`);
  const name = h("input", { id: "f-name", name: "name", required: true, autocomplete: "off", placeholder: "my-app-db", pattern: "[a-z][a-z0-9-]{0,62}" });
  const port = h("input", { id: "f-config.port", name: "port", inputmode: "numeric", autocomplete: "off", placeholder: "any free port" });
  const env = h("textarea", { id: "f-config.env", name: "env", placeholder: "POSTGRES_INITDB_ARGS=--data-checksums" });
  const scripts = h("textarea", { id: "f-config.initScripts", name: "initScripts", placeholder: "create table users (id serial primary key);" });
  const progress = h("p", { class: "muted", id: "create-progress", "aria-live": "polite" });
  const submit = h("button", { type: "submit" }, "Create database");

  const form = h("form", { class: "card", novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    for (const slot of form.querySelectorAll("[data-error]")) slot.textContent = "";
    for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
    let body;
    try {
      body = request();
    } catch (e) {
      return ctx.showError(e, form);
    }
    busy(submit, "Creating…", async () => {
      await ctx.api.post("/v1/databases?wait=false", body);
      const started = Date.now();
      await untilRunning(ctx, body.name, (text) => { progress.textContent = text; }, `Creating ${body.name}`);
      progress.textContent = `${body.name} is running (${Math.round((Date.now() - started) / 1000)} s).`;
      location.hash = `#/databases/${body.name}`;
    }, (e) => { progress.textContent = ""; ctx.showError(e, form); });
  } },
  h("h1", { tabindex: "-1" }, "Create a database"),
  h("div", { class: "row" }, field("name", "Name", name, "(lower case, digits, -)"), field("type", "Engine", type), field("version", "Version", version)),
  image,
  h("div", { class: "row" }, resource("memory", "Memory"), resource("cpu", "CPU cores"), resource("storage", "Storage"), field("config.port", "Port", port, "(optional)")),
  field("config.env", "Environment", env, "(one NAME=value a line)"),
  field("config.initScripts", "Init scripts", scripts, "(SQL run once after creation; separate scripts with a line of ---)"),
  h("div", { class: "actions" }, submit, progress));

  /** The request body, or an error for a field the server would refuse for its shape. */
  function request() {
    const config = {};
    for (const n of ["memory", "cpu", "storage"]) {
      const v = form.querySelector(`[name="${n}"]`).value.trim();
      if (v) config[n] = v;
    }
    if (port.value.trim()) {
      if (!/^\d+$/.test(port.value.trim())) throw fieldError("config.port", "a port number");
      config.port = Number(port.value.trim());
    }
    const lines = env.value.split("\n").map((l) => l.trim()).filter(Boolean);
    if (lines.length) {
      config.env = {};
      for (const line of lines) {
        const i = line.indexOf("=");
        if (i <= 0) throw fieldError("config.env", `"${line}" is not NAME=value`);
        config.env[line.slice(0, i)] = line.slice(i + 1);
      }
    }
    const sql = scripts.value.split(/^---$/m).map((s) => s.trim()).filter(Boolean);
    if (sql.length) config.initScripts = sql;
    const body = { name: name.value.trim(), type: type.value, version: version.value };
    if (Object.keys(config).length) body.config = config;
    return body;
  }
  return { node: form, title: "Create" };
}

function fieldError(field, detail) {
  return new ApiError(400, { title: "Invalid request", detail, field });
}
