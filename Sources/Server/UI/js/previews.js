// The pull-request previews: a list of every previewed pull request (#/previews) and a page per pull
// request (#/previews/REPOSITORY/NUMBER) with what it would change, application by application.

import { request } from "./api.js";
import { diffObjects } from "./diff.js";
import { badge, h, shortSHA, time } from "./dom.js";

const view = () => document.getElementById("preview-view");
let generation = 0;

/** The address of the page of pull request `number` of `repository`. */
function previewHash(repository, number) {
  return `#/previews/${encodeURIComponent(repository)}/${number}`;
}

/** Shows every previewed pull request, newest first. */
export async function showPreviews() {
  const shown = ++generation;
  view().replaceChildren(h("p", { class: "muted" }, "Loading…"));
  let answer;
  try {
    answer = await request("GET", "/api/v1/previews");
  } catch (error) {
    if (shown === generation) view().replaceChildren(failure(error));
    return;
  }
  if (shown !== generation) return;
  const items = answer.items ?? [];
  view().replaceChildren(
    h("h1", {}, "Pull requests"),
    items.length === 0
      ? h("p", { class: "muted", "data-testid": "previews-empty" },
        "No pull request previewed yet: a signed pull-request webhook or POST /api/v1/previews makes one.")
      : h("table", { class: "apps", "data-testid": "preview-table" },
        h("thead", {}, h("tr", {}, ["Pull request", "Repository", "Commit", "Applications", "Previewed"].map((title) =>
          h("th", { scope: "col" }, title)))),
        h("tbody", {}, items.map(row))));
}

function row(item) {
  const applications = item.applications ?? [];
  return h("tr", { "data-testid": "preview-row", "data-number": item.number },
    h("td", {}, h("a", { href: previewHash(item.repository, item.number), "data-testid": "preview-link" },
      `#${item.number}`)),
    h("td", {}, item.repository),
    h("td", {}, commit(item.commit)),
    h("td", {}, applications.length === 0 ? h("span", { class: "muted" }, "none touched")
      : applications.map((application) => h("span", { class: "preview-app" }, application.name, " ",
        application.sync ? badge("sync", application.sync) : badge("phase", "Error")))),
    h("td", {}, time(item.madeAt)));
}

/** Shows the preview of pull request `number` of `repository`. */
export async function showPreview(repository, number) {
  const shown = ++generation;
  view().replaceChildren(h("p", { class: "muted" }, "Loading…"));
  let preview;
  try {
    preview = await request("GET", `/api/v1/previews/${encodeURIComponent(repository)}/${number}`);
  } catch (error) {
    if (shown === generation) view().replaceChildren(backLink(), failure(error));
    return;
  }
  if (shown !== generation) return;
  const applications = preview.applications ?? [];
  view().replaceChildren(
    backLink(),
    h("div", { class: "page-title" }, h("h1", { "data-testid": "preview-title" }, `Pull request #${number}`),
      h("span", { class: "badges" }, preview.differs ? badge("sync", "OutOfSync") : badge("sync", "Synced"))),
    h("p", { class: "muted" }, preview.repository, " at ", h("code", {}, preview.revision), " ",
      commit(preview.commit)),
    h("p", { class: "notice" }, "A preview renders the pull request and compares it with the live cluster; nothing " +
      "is applied."),
    applications.length === 0
      ? h("p", { class: "muted", "data-testid": "preview-untouched-all" }, "The change touches no application's paths.")
      : h("div", { "data-testid": "preview-applications" }, applications.map(applicationPreview)),
    (preview.untouched ?? []).length
      ? h("p", { class: "muted", "data-testid": "preview-untouched" }, "Not touched by the change: ",
        preview.untouched.join(", "))
      : "");
}

function applicationPreview(application) {
  const title = h("h2", {}, h("a", { href: `#/applications/${encodeURIComponent(application.name)}` },
    application.name), " ", application.sync ? badge("sync", application.sync) : badge("phase", "Error"));
  const changed = (application.changedPaths ?? []).length
    ? h("p", { class: "muted small" }, "Changed: ", application.changedPaths.join(", ")) : "";
  const body = application.error
    ? h("p", { class: "error", role: "alert", "data-testid": "preview-error" }, application.error)
    : diffObjects(application.objects ?? [], "Nothing would change.");
  return h("section", { class: "panel", "data-testid": "preview-application", "data-name": application.name },
    title, changed, body);
}

function commit(value) {
  if (!value) return h("span", { class: "muted" }, "—");
  return h("span", { title: value.sha }, h("code", {}, shortSHA(value.sha)), " ", value.subject);
}

function backLink() {
  return h("p", { class: "back" }, h("a", { href: "#/previews", "data-testid": "previews-back" }, "← Pull requests"));
}

function failure(error) {
  return h("p", { class: "error", role: "alert", "data-testid": "preview-failure" }, error.message);
}
