// The application page: summary, conditions, object tree, diff, history, and the actions the session may use.

import { applicationPath, request } from "./api.js";
import { confirmAction } from "./confirm.js";
import { diffObjects } from "./diff.js";
import { badge, clusterName, h, shortSHA, showMessage, time } from "./dom.js";
import { commitURL } from "./links.js";
import { objectTree } from "./tree.js";

const view = () => document.getElementById("app-view");

/**
 * The page shown: the application's name, the session's permissions, a pending reload, and the parts that
 * reloads fill. The header, its buttons and the messages stay in place, so a reload never swaps a button
 * from under a click.
 */
const page = { name: null, can: {}, reloadTimer: null, generation: 0, parts: null };

/** Shows application `name`; `can` holds the session's permissions ({sync, refresh, rollback}). */
export async function showApplication(name, can) {
  page.name = name;
  page.can = can ?? {};
  page.parts = null;
  view().replaceChildren(h("p", { class: "muted" }, "Loading…"));
  await reload();
}

/** Forgets the page (the list or the login is shown instead). */
export function leaveApplication() {
  page.name = null;
  page.parts = null;
  clearTimeout(page.reloadTimer);
}

/** Reloads the page when an event is about its application (tree, diff and history may have changed). */
export function applyApplicationEvent(application) {
  if (application.name !== page.name) return;
  clearTimeout(page.reloadTimer);
  page.reloadTimer = setTimeout(reload, 300);
}

/** Loads the shown page again (tree, diff and history come with it). */
async function reload() {
  const name = page.name;
  if (!name) return;
  const generation = ++page.generation;
  const [detail, tree, diff] = await Promise.allSettled([
    request("GET", applicationPath(name)),
    request("GET", applicationPath(name, "/tree")),
    request("GET", applicationPath(name, "/diff")),
  ]);
  if (generation !== page.generation || name !== page.name) return;
  if (detail.status === "rejected") {
    page.parts = null;
    view().replaceChildren(backLink(), h("p", { class: "error", role: "alert", "data-testid": "app-error" },
      detail.reason.message));
    return;
  }
  if (!page.parts) build(name);
  fill(detail.value, tree, diff);
}

/** The page's fixed frame: back link, title with actions, messages, and the sections' bodies. */
function build(name) {
  const part = (testid) => h("div", { "data-testid": testid });
  const parts = {
    badges: h("span", { class: "badges" }), notice: h("div"), summary: part("summary-body"),
    conditions: part("conditions-body"), objects: part("objects-body"), diff: part("diff-body"),
    history: part("history-body"),
  };
  const actions = h("div", { class: "actions" },
    page.can.refresh ? h("button", { type: "button", "data-testid": "refresh-button", onclick: refresh }, "Refresh")
      : null,
    page.can.sync ? h("button", { type: "button", class: "primary", "data-testid": "sync-button", onclick: sync },
      "Sync…") : null);
  view().replaceChildren(
    backLink(),
    h("div", { class: "page-title" }, h("h1", { "data-testid": "app-name" }, name), parts.badges, actions),
    h("p", { class: "result", id: "action-result", "data-testid": "action-result", role: "status", hidden: true }),
    h("p", { class: "error", id: "action-error", "data-testid": "action-error", role: "alert", hidden: true }),
    parts.notice,
    h("div", { class: "columns" },
      section("Summary", "summary", parts.summary), section("Conditions", "conditions", parts.conditions)),
    section("Objects", "objects", parts.objects),
    section("Diff", "diff", parts.diff),
    section("History", "history", parts.history));
  page.parts = parts;
}

/** Puts the application's latest state into the frame; a part whose data did not change is left alone. */
function fill(application, tree, diff) {
  const { parts } = page;
  const operation = application.operation;
  update(parts.badges, [application.sync, application.health, operation], () => [
    badge("sync", application.sync?.status),
    badge("health", application.health?.status, application.health?.message),
    // A finished sync shows in the summary; the title only flags one running or failed.
    operation && operation.phase !== "Succeeded" ? badge("phase", operation.phase, operation.message) : "",
  ]);
  const rollback = application.rollback;
  update(parts.notice, rollback, () => (rollback ? h("p", { class: "notice", "data-testid": "rollback-notice" },
    `Rolled back to ${shortSHA(rollback.revision)} (history entry ${rollback.historyID}). `, rollback.message ?? "")
    : ""));
  update(parts.summary, application, () => summary(application));
  update(parts.conditions, application.conditions, () => conditions(application.conditions ?? []));
  update(parts.objects, tree, () => settled(tree, (answer) =>
    answer.nodes?.length ? objectTree(answer.nodes) : empty("No objects.")));
  update(parts.diff, diff, () => settled(diff, diffView));
  update(parts.history, [application.history, application.source], () => history(application));
}

/** What each part of the frame shows, as JSON, so that unchanged data is not rendered again. */
const shown = new WeakMap();

function update(part, data, render) {
  const key = JSON.stringify(data ?? null, (name, value) => (value instanceof Error ? value.message : value));
  if (shown.get(part) === key) return;
  shown.set(part, key);
  part.replaceChildren(...[render()].flat());
}

function backLink() {
  return h("p", { class: "back" }, h("a", { href: "#/", "data-testid": "back" }, "← Applications"));
}

function section(title, id, ...content) {
  return h("section", { class: `panel ${id}`, "aria-labelledby": `${id}-title`, "data-testid": id },
    h("h2", { id: `${id}-title` }, title), ...content);
}

function settled(result, render) {
  if (result.status === "rejected") return h("p", { class: "error", role: "alert" }, result.reason.message);
  return render(result.value);
}

function empty(text) {
  return h("p", { class: "muted" }, text);
}

function summary(application) {
  const source = application.source ?? {};
  const destination = application.destination ?? {};
  const operation = application.operation;
  const on = (value) => (value ? "on" : "off");
  const synced = (revision) =>
    revision ? h("span", { class: "sha", title: revision }, ` → ${shortSHA(revision)}`) : null;
  const sources = application.sources ?? [];
  const sourceRows = sources.length === 0
    ? [
      ["Repository", h("span", { class: "repo" }, source.repoURL ?? "")],
      source.chart ? ["Chart", source.chart] : ["Path", source.path || "."],
      ["Revision", `${source.targetRevision ?? "HEAD"}`, synced(application.sync?.revision)],
    ]
    : sources.map((each, index) => [
      `Source ${index + 1}`, h("span", { class: "repo" }, each.repoURL ?? ""),
      ` ${each.chart ? `chart ${each.chart}` : each.path ? `path ${each.path}` : ""}` +
        `${each.ref ? ` ref ${each.ref}` : ""} @ ${each.targetRevision ?? "HEAD"}`,
      synced(application.sync?.revisions?.[index]),
    ]);
  const rows = [
    ["Project", h("span", { "data-testid": "app-project" }, application.project ?? "default")],
    ...sourceRows,
    ["Destination", `${clusterName(destination)} / ${destination.namespace ?? ""}`],
    ["Policy", `automated ${on(application.automated)}, prune ${on(application.prune)}, ` +
      `self-heal ${on(application.selfHeal)}`],
    ["Health", application.health?.message || application.health?.status || "Unknown"],
    ["Last operation", operation ? `${operation.phase}${operation.message ? `: ${operation.message}` : ""}` : "none",
      operation?.finishedAt ? [" (", time(operation.finishedAt), ")"] : null],
    ["Reconciled", time(application.reconciledAt)],
  ];
  return h("dl", { class: "facts" }, rows.map(([term, ...value]) => [h("dt", {}, term), h("dd", {}, value)]));
}

function conditions(list) {
  if (list.length === 0) return empty("No conditions.");
  return h("ul", { class: "conditions" }, list.map((condition) =>
    h("li", { "data-testid": "condition" }, h("strong", {}, condition.type), " ", condition.message,
      h("div", { class: "muted small" }, time(condition.lastTransitionTime)))));
}

function diffView(answer) {
  return diffObjects(answer.objects ?? [], "No differences: the cluster matches Git.");
}

function history(application) {
  const entries = [...(application.history ?? [])].sort((a, b) => b.id - a.id);
  if (entries.length === 0) return empty("Never synced.");
  const repoURL = application.source?.repoURL;
  return h("table", { class: "history", "data-testid": "history-table" },
    h("thead", {}, h("tr", {}, ["#", "Revision", "Commit", "Deployed", "Result", ""].map((title) =>
      h("th", { scope: "col" }, title)))),
    h("tbody", {}, entries.map((entry, index) => {
      const link = commitURL(entry.source?.repoURL ?? repoURL, entry.revision);
      const revision = link
        ? h("a", { href: link, rel: "noopener noreferrer", target: "_blank", class: "commit",
          "data-testid": "commit-link", title: entry.revision }, shortSHA(entry.revision))
        : h("span", { class: "commit", title: entry.revision, "data-testid": "commit-text" },
          shortSHA(entry.revision));
      return h("tr", { "data-testid": "history-row", "data-id": entry.id },
        h("td", {}, String(entry.id)),
        h("td", {}, revision),
        h("td", {}, h("span", {}, entry.subject ?? ""), entry.author ? h("span", { class: "muted" },
          ` — ${entry.author}`) : null),
        h("td", {}, time(entry.deployedAt)),
        h("td", {}, badge("phase", entry.result, entry.message)),
        h("td", {}, page.can.rollback && index > 0
          ? h("button", { type: "button", class: "small", "data-testid": "rollback-button",
            onclick: () => rollback(entry) }, "Roll back…")
          : null));
    })));
}

async function sync() {
  const prune = h("input", { type: "checkbox", name: "prune", "data-testid": "sync-prune" });
  const dryRun = h("input", { type: "checkbox", name: "dryRun", "data-testid": "sync-dry-run" });
  const revision = h("input", { type: "text", name: "revision", placeholder: "target revision",
    spellcheck: "false", "data-testid": "sync-revision" });
  const confirmed = await confirmAction(`Sync ${page.name}?`, "Sync", [
    h("p", {}, "Applies the objects rendered from Git to the cluster."),
    h("label", { class: "check" }, prune, " Prune objects no longer in Git"),
    h("label", { class: "check" }, dryRun, " Dry run (change nothing)"),
    h("label", {}, "Revision (optional) ", revision),
  ]);
  if (!confirmed) return;
  const body = { prune: prune.checked, dryRun: dryRun.checked };
  if (revision.value.trim()) body.revision = revision.value.trim();
  await act("Syncing…", () => request("POST", applicationPath(page.name, "/sync"), body), (answer) => {
    const operation = answer.operation ?? {};
    const changed = (answer.results ?? []).filter((r) => r.action !== "unchanged")
      .map((r) => `${r.kind} ${r.name}: ${r.action}`).join(", ");
    return `${answer.dryRun ? "Dry run" : "Sync"} ${operation.phase ?? "done"}` +
      `${operation.message ? `: ${operation.message}` : ""}${changed ? ` (${changed})` : ""}`;
  });
}

async function refresh() {
  await act("Refreshing…", () => request("POST", applicationPath(page.name, "/refresh")),
    () => "Refresh queued: the controller compares Git and the cluster again now.");
}

async function rollback(entry) {
  const confirmed = await confirmAction(`Roll ${page.name} back?`, "Roll back", [
    h("p", {}, `Deploys revision ${shortSHA(entry.revision)} (history entry ${entry.id}`,
      entry.subject ? `: ${entry.subject}` : "", ") again."),
    h("p", {}, "Automated sync is turned off for this application until someone turns it on again."),
  ]);
  if (!confirmed) return;
  await act("Rolling back…", () => request("POST", applicationPath(page.name, "/rollback"), { id: entry.id }),
    (answer) => answer.message ?? `Rollback ${answer.operation?.phase ?? "done"}.`);
}

/** Runs an action, showing `pending` meanwhile, then reloads the page and shows the result (or the error). */
async function act(pending, perform, describe) {
  const result = document.getElementById("action-result");
  const error = document.getElementById("action-error");
  const buttons = [...view().querySelectorAll(".actions button, [data-testid=rollback-button]")];
  showMessage(error, "");
  showMessage(result, pending);
  for (const button of buttons) button.disabled = true;
  let message = "";
  let failure = "";
  try {
    message = describe(await perform());
  } catch (caught) {
    failure = caught.message;
  }
  await reload();
  for (const button of buttons) button.disabled = false;
  showMessage(document.getElementById("action-result"), message);
  showMessage(document.getElementById("action-error"), failure);
}
