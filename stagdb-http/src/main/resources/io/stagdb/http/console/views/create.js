// Create: engine and version from what the server offers, resources within its bounds, env and init
// scripts. The database is created in the background; the form shows its progress and then opens it.
import { ApiError } from "../api.js";
import { h, fill, busy } from "../dom.js";

const CREATE_TIMEOUT_MS = 300000;   // above the server's readyTimeout (120 s by default)

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
  const extensions = h("input", { id: "f-config.extensions", name: "extensions", autocomplete: "off", placeholder: "pg_trgm, pg_stat_statements" });
  const settings = h("textarea", { id: "f-config.settings", name: "settings", placeholder: "work_mem=16MB" });
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
    // answered once the database runs, or refused (a setting the engine rejects names its field) with nothing left
    const started = Date.now();
    const tick = setInterval(() => { progress.textContent = `Creating ${body.name}… ${Math.round((Date.now() - started) / 1000)} s`; }, 500);
    busy(submit, "Creating…", async () => {
      await ctx.api.call("POST", "/v1/databases", body, CREATE_TIMEOUT_MS);
      clearInterval(tick);
      progress.textContent = `${body.name} is running (${Math.round((Date.now() - started) / 1000)} s).`;
      location.hash = `#/databases/${body.name}`;
    }, (e) => { progress.textContent = ""; ctx.showError(e, form); }).finally(() => clearInterval(tick));
  } },
  h("h1", { tabindex: "-1" }, "Create a database"),
  h("div", { class: "row" }, field("name", "Name", name, "(lower case, digits, -)"), field("type", "Engine", type), field("version", "Version", version)),
  image,
  h("div", { class: "row" }, resource("memory", "Memory"), resource("cpu", "CPU cores"), resource("storage", "Storage"), field("config.port", "Port", port, "(optional)")),
  h("div", { class: "row" },
    field("config.extensions", "Extensions", extensions, "(PostgreSQL; comma-separated, checked against the image)"),
    field("config.settings", "Engine settings", settings, "(postgresql.conf parameters or MySQL/MariaDB variables; one name=value a line)")),
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
    const pairs = (text, fieldName) => {
      const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
      if (!lines.length) return undefined;
      const out = {};
      for (const line of lines) {
        const i = line.indexOf("=");
        if (i <= 0) throw fieldError(fieldName, `"${line}" is not name=value`);
        out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      }
      return out;
    };
    config.env = pairs(env.value, "config.env");
    config.settings = pairs(settings.value, "config.settings");
    const ext = extensions.value.split(",").map((e) => e.trim()).filter(Boolean);
    if (ext.length) config.extensions = ext;
    for (const k of Object.keys(config)) if (config[k] === undefined) delete config[k];
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
