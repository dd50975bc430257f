// The object tree of an application: managed objects as roots, what they own (by ownerReferences) below.

import { badge, h } from "./dom.js";

/** A nested list of `nodes` (from GET …/tree); a node whose parents are all absent is a root. */
export function objectTree(nodes) {
  const byUID = new Map(nodes.map((node) => [node.uid, node]));
  const children = new Map();
  const roots = [];
  for (const node of nodes) {
    const parents = (node.parents ?? []).filter((uid) => byUID.has(uid));
    if (parents.length === 0) roots.push(node);
    for (const uid of parents) {
      if (!children.has(uid)) children.set(uid, []);
      children.get(uid).push(node);
    }
  }
  const shown = new Set();
  const items = (list) => {
    const lines = [];
    for (const node of [...list].sort(byKindAndName)) {
      if (shown.has(node.uid)) continue;
      shown.add(node.uid);
      const below = items(children.get(node.uid) ?? []);
      lines.push(h("li", {}, nodeLine(node), below.length ? h("ul", {}, below) : null));
    }
    return lines;
  };
  // Objects only reachable through a cycle of owner references still get a line, after the roots.
  const lines = [...items(roots), ...items(nodes)];
  return h("ul", { class: "tree", "data-testid": "tree" }, lines);
}

function nodeLine(node) {
  const place = node.namespace ? `${node.namespace}/${node.name}` : node.name;
  return h("div", { class: "node", "data-testid": "tree-node", "data-kind": node.kind, "data-name": node.name },
    h("span", { class: "kind" }, node.kind),
    h("span", { class: "name" }, place),
    node.health ? badge("health", node.health.status, node.health.message) : null,
    node.sync ? badge("sync", node.sync) : null,
    node.health?.decidedBy
      ? h("span", { class: "muted decided-by", "data-testid": "decided-by" }, decidedBy(node.health.decidedBy))
      : null,
    node.health?.message ? h("span", { class: "muted message" }, node.health.message) : null);
}

/** Which rule or script decided a health, as `moor status` says it: "script <key>", "built-in apps/Deployment", …. */
function decidedBy(source) {
  switch (source.rule) {
    case "script": return `script ${source.key}`;
    case "kind": return `built-in ${source.kind}`;
    case "generic": return `generic ${source.field}`;
    case "application": return "application rule";
    default: return source.rule;
  }
}

function byKindAndName(a, b) {
  return a.kind.localeCompare(b.kind) || (a.namespace ?? "").localeCompare(b.namespace ?? "") ||
    a.name.localeCompare(b.name);
}
