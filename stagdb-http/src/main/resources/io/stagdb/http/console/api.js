// The REST API as the console uses it: every call carries the key the user entered, and every
// failure becomes an ApiError with the problem's title, detail and field (RFC 9457), or `offline`
// when the server could not be reached at all.

export class ApiError extends Error {
  constructor(status, problem, offline = false) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.offline = offline;
  }

  get title() {
    return this.problem.title || (this.offline ? "Cannot reach the stagDB server" : `HTTP ${this.status}`);
  }

  get field() {
    return this.problem.field || null;
  }
}

const TIMEOUT_MS = 30000;

export class Api {
  constructor(key) {
    this.key = key;
  }

  async call(method, path, body, timeoutMs = TIMEOUT_MS) {
    const headers = { Authorization: `Bearer ${this.key}`, Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit", cache: "no-store", signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      throw new ApiError(0, { detail: `${method} ${path}: ${e.message}` }, true);
    }
    const text = await response.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    if (!response.ok) {
      throw new ApiError(response.status, json && typeof json === "object" ? json : { detail: text.slice(0, 300) });
    }
    return json;
  }

  get(path) { return this.call("GET", path); }
  post(path, body) { return this.call("POST", path, body); }
  delete(path) { return this.call("DELETE", path); }

  /** Every item of a paged list (GET path?offset=&limit=). */
  async all(path) {
    const items = [];
    for (let offset = 0; ; ) {
      const page = await this.get(`${path}${path.includes("?") ? "&" : "?"}offset=${offset}&limit=1000`);
      items.push(...page.items);
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) return items;
    }
  }

  /**
   * Follows a Server-Sent Events route with the key in a header (EventSource cannot send one):
   * calls onEvent(type, data) for each event until the stream ends or `signal` aborts it.
   * Returns the reason the stream ended.
   */
  async stream(path, onEvent, signal) {
    let response;
    try {
      response = await fetch(path, {
        headers: { Authorization: `Bearer ${this.key}`, Accept: "text/event-stream" },
        credentials: "omit", cache: "no-store", signal,
      });
    } catch (e) {
      if (signal.aborted) return "closed";
      throw new ApiError(0, { detail: `GET ${path}: ${e.message}` }, true);
    }
    if (!response.ok) {
      let problem = {};
      try { problem = await response.json(); } catch { /* not a problem body */ }
      throw new ApiError(response.status, problem);
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return "the server closed the stream";
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = "message";
          const data = [];
          for (const line of block.split("\n")) {
            if (line.startsWith("event:")) type = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
          }
          if (data.length) onEvent(type, data.join("\n"));
        }
      }
    } catch (e) {
      if (signal.aborted) return "closed";
      throw new ApiError(0, { detail: `the log stream broke: ${e.message}` }, true);
    }
  }
}
