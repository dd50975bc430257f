// The live event stream: GET /api/v1/events read with fetch() so the Authorization header goes along
// (EventSource cannot send it), parsed as server-sent events, reconnected with exponential backoff.

import { authorization } from "./api.js";

const firstDelay = 1000;
const maxDelay = 30000;

/**
 * Reads the event stream until stop(). Calls `onEvent(name, data)` per event (data parsed as JSON),
 * `onState(state)` with "connecting", "live", "reconnecting" or "off", `onOpen()` after each (re)connect (what
 * happened while disconnected was missed, so the caller reloads), and `onUnauthorized()` on a 401, after
 * which it stops.
 */
export class EventStream {
  constructor({ onEvent, onState, onOpen, onUnauthorized }) {
    this.handlers = { onEvent, onState, onOpen, onUnauthorized };
    this.controller = null;
    this.received = 0;
  }

  /** Starts reading (again); a running stream is stopped first. */
  start() {
    this.stop();
    const controller = new AbortController();
    this.controller = controller;
    this.run(controller.signal);
  }

  /** Stops reading and reconnecting (state "off"). */
  stop() {
    this.controller?.abort();
    this.controller = null;
    this.handlers.onState("off");
  }

  async run(signal) {
    let delay = firstDelay;
    this.handlers.onState("connecting");
    while (!signal.aborted) {
      try {
        const response = await fetch("/api/v1/events", {
          headers: { Accept: "text/event-stream", ...authorization() }, cache: "no-store", signal,
        });
        if (response.status === 401) {
          this.handlers.onUnauthorized();
          return;
        }
        if (!response.ok || !response.body) throw new Error(`event stream answered ${response.status}`);
        this.handlers.onState("live");
        this.handlers.onOpen();
        delay = firstDelay;
        await this.read(response.body, signal);
      } catch (error) {
        if (signal.aborted) return;
      }
      if (signal.aborted) return;
      this.handlers.onState("reconnecting");
      await sleep(delay * (0.75 + Math.random() / 2), signal);
      delay = Math.min(delay * 2, maxDelay);
    }
  }

  /** Parses the text/event-stream format: lines of `field: value`, an empty line ends an event. */
  async read(body, signal) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let name = "";
    let data = [];
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      const lines = buffer.split(/\r\n|\r|\n/);
      buffer = lines.pop();
      for (const line of lines) {
        if (line === "") {
          if (data.length > 0) this.dispatch(name || "message", data.join("\n"));
          name = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const fieldValue = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") name = fieldValue;
        else if (field === "data") data.push(fieldValue);
      }
    }
  }

  dispatch(name, text) {
    let data;
    try {
      data = JSON.parse(text);
    } catch {
      return;
    }
    this.received += 1;
    this.handlers.onEvent(name, data);
  }
}

function sleep(milliseconds, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, milliseconds);
    signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}
