// DOM building. Every piece of data goes in as text (textContent or an attribute), never as HTML.

/**
 * Creates an element. `attributes` are set with setAttribute (`null`, `undefined` and `false` are skipped,
 * `true` sets an empty attribute, `on<event>` adds a listener); `children` are nodes or strings, and strings
 * become text nodes.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  element.append(...flatten(children));
  return element;
}

function flatten(children) {
  return children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false)
    .map((child) => (child instanceof Node ? child : String(child)));
}

/** The CSS class of a sync or health status: known statuses get their own colour, others look neutral. */
const statusClasses = new Set([
  "Synced", "OutOfSync", "Unknown", "Healthy", "Progressing", "Degraded", "Suspended", "Missing",
  "Succeeded", "Failed", "Error", "Running", "Terminating",
]);

/** A status badge: `kind` is "sync", "health" or "phase"; the status is its text and its data-status. */
export function badge(kind, status, title) {
  const text = status || "Unknown";
  const colour = statusClasses.has(text) ? `status-${text}` : "status-other";
  return h("span", { class: `badge ${colour}`, "data-testid": `${kind}-badge`, "data-status": text, title }, text);
}

/** A date as "2026-11-21 21:40:12" in local time, with the RFC 3339 original as tooltip; "—" when absent. */
export function time(value) {
  if (!value) return h("span", { class: "muted" }, "—");
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return h("span", {}, value);
  const pad = (n) => String(n).padStart(2, "0");
  const text = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  return h("time", { datetime: value, title: value }, text);
}

/** Shows `element` with `message`, or hides it when `message` is empty. */
export function showMessage(element, message) {
  element.textContent = message || "";
  element.hidden = !message;
}

/** The first 8 characters of a commit SHA (full SHA as tooltip is up to the caller). */
export function shortSHA(sha) {
  return sha ? sha.slice(0, 8) : "";
}

/** The cluster an application's destination names: its name, else its server, else "in-cluster". */
export function clusterName(destination) {
  return destination?.name || destination?.server || "in-cluster";
}
