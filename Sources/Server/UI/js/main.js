// The web UI's entry: login, routing between the list (#/), an application (#/applications/NAME) and the
// pull-request previews (#/previews, #/previews/REPOSITORY/NUMBER), and the live event stream feeding them.

import { request, setToken, token } from "./api.js";
import { applyApplicationEvent, leaveApplication, showApplication } from "./application.js";
import { showMessage } from "./dom.js";
import { EventStream } from "./events.js";
import { applyListEvent, loadList, setUpFilters } from "./list.js";
import { showPreview, showPreviews } from "./previews.js";

/** The logged-in session ({name, role, applications, can}), or null. */
let session = null;
/** Whether the event stream opened since the login: a later open is a reconnect. */
let opened = false;

const rejected = "The server no longer accepts this token; log in again.";
const connectionLabels = { off: "", connecting: "connecting…", live: "live", reconnecting: "reconnecting…" };

const events = new EventStream({
  onEvent(name, data) {
    if (name !== "application") return;
    const connection = document.getElementById("connection");
    connection.dataset.events = String(events.received);
    applyListEvent(data);
    applyApplicationEvent(data);
  },
  onState(state) {
    const connection = document.getElementById("connection");
    connection.dataset.state = state;
    connection.textContent = connectionLabels[state];
    connection.title = state === "live" ? "Receiving live updates" : "";
  },
  onOpen() {
    // Changes made while the stream was down were missed: load the shown view again.
    if (opened) route();
    opened = true;
  },
  onUnauthorized() {
    logOut(rejected);
  },
});

function show(viewID) {
  for (const id of ["login-view", "list-view", "app-view", "preview-view"]) {
    document.getElementById(id).hidden = id !== viewID;
  }
}

/** Shows the view the address names. */
function route() {
  if (!session) return;
  const match = /^#\/applications\/(.+)$/.exec(location.hash);
  const preview = /^#\/previews\/(.+)\/(\d+)$/.exec(location.hash);
  if (preview || location.hash === "#/previews") {
    leaveApplication();
    document.title = preview ? `Pull request #${preview[2]} · Moor` : "Pull requests · Moor";
    show("preview-view");
    if (preview) showPreview(decodeURIComponent(preview[1]), preview[2]);
    else showPreviews();
  } else if (match) {
    const name = decodeURIComponent(match[1]);
    document.title = `${name} · Moor`;
    show("app-view");
    showApplication(name, session.can);
  } else {
    leaveApplication();
    document.title = "Applications · Moor";
    show("list-view");
    loadList();
  }
}

/** Asks the server who the stored token belongs to; shows the UI, or the login with the reason. */
async function startSession() {
  try {
    session = await request("GET", "/api/v1/session");
  } catch (error) {
    logOut(error.status === 401 ? "The server does not accept this token." : error.message);
    return;
  }
  document.getElementById("session-name").textContent = session.name;
  document.getElementById("session-role").textContent = session.role;
  document.getElementById("session").hidden = false;
  opened = false;
  events.start();
  route();
}

function logOut(message) {
  session = null;
  setToken(null);
  events.stop();
  leaveApplication();
  document.getElementById("session").hidden = true;
  document.title = "Moor";
  show("login-view");
  showMessage(document.getElementById("login-error"), message);
  document.getElementById("token").focus();
}

function start() {
  setUpFilters();
  document.getElementById("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("token");
    setToken(input.value.trim());
    input.value = "";
    startSession();
  });
  document.getElementById("logout").addEventListener("click", () => logOut(""));
  window.addEventListener("hashchange", route);
  window.addEventListener("moor:unauthorized", () => {
    if (session) logOut(rejected);
  });
  if (token()) startSession();
  else logOut("");
}

start();
