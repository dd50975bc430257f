// The objects a comparison found different, with their unified diffs and who drifted each field: the
// application page's diff and the pull-request previews show them alike.

import { badge, h } from "./dom.js";

/** Each object of `objects` (the API's diff entries) with its diff; `emptyText` when there is none. */
export function diffObjects(objects, emptyText) {
  if (objects.length === 0) return h("p", { class: "muted" }, emptyText);
  return objects.map((object) => {
    const place = object.namespace ? `${object.namespace}/${object.name}` : object.name;
    return h("article", { class: "diff-object", "data-testid": "diff-object", "data-kind": object.kind,
      "data-name": object.name },
      h("h3", {}, h("span", { class: "kind" }, object.kind), " ", place, " ", badge("sync", object.status)),
      attributionList(object.attributions ?? []),
      h("pre", { class: "diff", "data-testid": "diff-text" },
        (object.diff ?? "").replace(/\n$/, "").split("\n").map(diffLine)));
  });
}

/** Who changed each drifted field in the cluster, as its managedFields say; nothing when none is named. */
function attributionList(attributions) {
  if (attributions.length === 0) return "";
  const how = (a) => [a.operation, a.subresource].filter(Boolean).join(" ") + (a.time ? `, ${a.time}` : "");
  return h("ul", { class: "attributions muted small" }, attributions.map((attribution) =>
    h("li", { "data-testid": "attribution" }, h("code", {}, attribution.path),
      attribution.manager === null
        ? " is held only by Moor's apply: changed in Git, or in the cluster without a managedFields record"
          + " (e.g. through the scale subresource)"
        : [" changed by ", h("strong", {}, attribution.manager), ` (${how(attribution)})`])));
}

function diffLine(line) {
  const kind = line.startsWith("@@") ? "hunk" : line.startsWith("+") ? "add" : line.startsWith("-") ? "del" : "";
  return h("span", { class: kind }, `${line}\n`);
}
