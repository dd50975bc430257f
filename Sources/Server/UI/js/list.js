// The application list: filters sent to the API, rows kept up to date from the event stream.

import { request } from "./api.js";
import { badge, clusterName, h, shortSHA, showMessage, time } from "./dom.js";

const form = () => document.getElementById("filters");

/** The list's applications by name, as the API or the last event described them. */
const applications = new Map();
let loadGeneration = 0;

/** The filters of the form: sync and health statuses and a name glob ("web" means "*web*"). */
function filters() {
  const data = new FormData(form());
  const name = String(data.get("name") ?? "").trim();
  return {
    sync: String(data.get("sync") ?? ""),
    health: String(data.get("health") ?? ""),
    name: name === "" || /[*?[]/.test(name) ? name : `*${name}*`,
  };
}

/** Whether `application` passes `filter` (the same rules the API applies). */
function matches(application, filter) {
  if (filter.sync && application.sync?.status !== filter.sync) return false;
  if (filter.health && application.health?.status !== filter.health) return false;
  return !filter.name || globExpression(filter.name).test(application.name);
}

function globExpression(glob) {
  const source = [...glob].map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")));
  return new RegExp(`^${source.join("")}$`);
}

/** Loads the list with the current filters and shows it; errors appear above the table. */
export async function loadList() {
  const generation = ++loadGeneration;
  const filter = filters();
  const query = new URLSearchParams(Object.entries(filter).filter(([, value]) => value !== ""));
  try {
    const answer = await request("GET", `/api/v1/applications${query.size ? `?${query}` : ""}`);
    if (generation !== loadGeneration) return;
    applications.clear();
    for (const application of answer.items ?? []) applications.set(application.name, application);
    showMessage(document.getElementById("list-error"), "");
    render();
  } catch (error) {
    if (generation !== loadGeneration) return;
    showMessage(document.getElementById("list-error"), error.message);
  }
}

/** Applies an application's new status from the event stream to the list. */
export function applyListEvent(application) {
  if (matches(application, filters())) applications.set(application.name, application);
  else applications.delete(application.name);
  render();
}

/** The rendered row of each application with the JSON it shows; an unchanged application keeps its row. */
const rows = new Map();

function render() {
  const names = [...applications.keys()].sort();
  for (const name of rows.keys()) if (!applications.has(name)) rows.delete(name);
  document.getElementById("app-rows").replaceChildren(...names.map((name) => {
    const key = JSON.stringify(applications.get(name));
    if (rows.get(name)?.key !== key) rows.set(name, { key, element: row(applications.get(name)) });
    return rows.get(name).element;
  }));
  showMessage(document.getElementById("list-empty"), names.length ? "" : "No application matches.");
  document.getElementById("app-count").textContent = `${names.length} application${names.length === 1 ? "" : "s"}`;
}

function row(application) {
  const source = application.source ?? {};
  const destination = application.destination ?? {};
  const running = application.operation?.phase === "Running";
  const conditions = application.conditions ?? [];
  return h("tr", { "data-testid": "app-row", "data-name": application.name },
    h("th", { scope: "row" },
      h("a", { href: `#/applications/${encodeURIComponent(application.name)}`, "data-testid": "app-link" },
        application.name),
      h("div", { class: "muted small", "data-testid": "app-project", title: "project" },
        `project ${application.project ?? "default"}`),
      conditions.length ? h("div", { class: "condition-flag", "data-testid": "app-conditions",
        title: conditions.map((c) => `${c.type}: ${c.message}`).join("\n") },
      conditions.map((c) => c.type).join(", ")) : null),
    h("td", {},
      badge("sync", application.sync?.status),
      running ? badge("phase", "Running", application.operation.message) : null,
      h("span", { class: "sha", title: application.sync?.revision ?? "" }, shortSHA(application.sync?.revision))),
    h("td", {}, badge("health", application.health?.status, application.health?.message)),
    h("td", { class: "source" },
      h("span", { class: "repo" }, source.repoURL ?? ""),
      h("span", { class: "muted" }, ` ${source.chart ? `chart ${source.chart}` : source.path ?? ""} @ ` +
        `${source.targetRevision ?? "HEAD"}` +
        ((application.sources?.length ?? 0) > 1 ? ` (+${application.sources.length - 1} more sources)` : ""))),
    h("td", {}, h("div", {}, destination.namespace ?? ""),
      h("div", { class: "muted small" }, clusterName(destination))),
    h("td", {}, time(application.reconciledAt)));
}

/** Wires the filter form: selects reload at once, the name field after a short pause in typing. */
export function setUpFilters() {
  let timer;
  form().addEventListener("submit", (event) => { event.preventDefault(); loadList(); });
  form().addEventListener("change", () => loadList());
  form().elements.name.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(loadList, 250);
  });
}
