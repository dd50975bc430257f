// The Moor API: bearer token in this tab's sessionStorage, JSON in and out, errors with the server's message.

const tokenKey = "moor.token";

/** An API failure: `status` is the HTTP status (0 when the server was not reached), `message` says what to do. */
export class APIError extends Error {
  constructor(status, reason, message) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

/** The token of this tab, or null. */
export function token() {
  return sessionStorage.getItem(tokenKey);
}

/** Keeps `value` as this tab's token (`null` forgets it). */
export function setToken(value) {
  if (value) sessionStorage.setItem(tokenKey, value);
  else sessionStorage.removeItem(tokenKey);
}

/** The Authorization header for this tab's token. */
export function authorization() {
  return { Authorization: `Bearer ${token() ?? ""}` };
}

/**
 * Sends a request to `path` (JSON `body` when given) and returns the decoded answer; throws APIError. A 401 also
 * fires `moor:unauthorized` on window, so the page can ask for a token again.
 */
export async function request(method, path, body) {
  const headers = { Accept: "application/json", ...authorization() };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method, headers, cache: "no-store", body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new APIError(0, "Unreachable", `Cannot reach the Moor server (${error.message}); check that it runs.`);
  }
  const text = await response.text();
  let answer = null;
  try {
    answer = text ? JSON.parse(text) : null;
  } catch {
    answer = null;
  }
  if (!response.ok) {
    const error = answer?.error;
    if (response.status === 401) window.dispatchEvent(new CustomEvent("moor:unauthorized"));
    throw new APIError(response.status, error?.reason ?? response.statusText,
      error?.message ?? `${method} ${path} failed: ${response.status} ${response.statusText}`);
  }
  return answer;
}

/** The path of application `name`, plus `suffix` ("/diff", "/sync", …). */
export function applicationPath(name, suffix = "") {
  return `/api/v1/applications/${encodeURIComponent(name)}${suffix}`;
}
