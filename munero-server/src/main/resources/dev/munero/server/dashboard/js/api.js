// The REST client and the WebSocket event stream, with the server's optional bearer-token auth.
//
// Auth: when a request answers 401 the page asks for a token once, keeps it in sessionStorage (this tab only) and
// sends it as "Authorization: Bearer ..."; a WebSocket sends it as its first frame {"token": "..."} (browsers cannot
// set headers on a WebSocket upgrade). The token is never written into the page.

const TOKEN_KEY = 'munero.token';

/** A failed request: the HTTP status and the server's RFC 9457 problem (its detail is the CLI's message). */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || ('HTTP ' + status));
    this.status = status;
    this.problem = problem;
  }
}

export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

let asking = null;

/** Shows the token dialog (once, however many requests wait on it) and resolves when a token was entered. */
export function askToken(reason) {
  if (asking) return asking;
  const dialog = document.getElementById('token-dialog');
  const input = document.getElementById('token-input');
  if (reason) document.getElementById('token-reason').textContent = reason;
  input.value = '';
  asking = new Promise(resolve => {
    dialog.addEventListener('close', () => {
      const value = input.value.trim();
      input.value = '';
      if (value) sessionStorage.setItem(TOKEN_KEY, value);
      asking = null;
      resolve();
    }, {once: true});
  });
  dialog.showModal();
  return asking;
}

/**
 * Calls the API: path is "/api/v1/...", body (optional) goes as JSON. Resolves to the parsed JSON (null for an
 * empty answer, the text for a non-JSON one); rejects with ApiError for a non-2xx answer.
 */
export async function api(path, {method = 'GET', body} = {}) {
  for (;;) {
    const headers = {Accept: 'application/json, application/problem+json, text/plain'};
    const t = token();
    if (t) headers.Authorization = 'Bearer ' + t;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
    const text = await res.text();
    let data = text;
    if ((res.headers.get('content-type') || '').includes('json') && text) {
      try { data = JSON.parse(text); } catch { /* keep the text */ }
    } else if (!text) {
      data = null;
    }
    if (res.status === 401) {
      sessionStorage.removeItem(TOKEN_KEY);
      await askToken(t ? 'The server refused that token (' + (data && data.detail || 'unauthorized') + '). Enter another.'
                       : 'This server needs a token. Make one with munero token create --role viewer.');
      continue;
    }
    if (!res.ok) throw new ApiError(res.status, typeof data === 'object' ? data : {detail: data});
    return data;
  }
}

/**
 * Follows an event WebSocket (/api/v1/runs/{id}/events or /api/v1/builds/{id}/events) from a sequence number.
 * Frames: {"kind":"event","event":{seq,...}}, {"kind":"heartbeat","last_seq":N}, {"kind":"end","state":S}.
 *
 * Invariant: onEvent sees each seq once, in increasing order: a reconnect asks since= the last seq delivered, and
 * anything at or below it is dropped. The stream reconnects (1 s, 2 s, 4 s ... up to 15 s) after any close but
 * an end frame or stop(), and also when nothing (not even a heartbeat) came for 40 s.
 */
export class EventStream {
  constructor(path, {onEvent, onStatus = () => {}, onEnd = () => {}, since = 0}) {
    this.path = path;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.onEnd = onEnd;
    this.lastSeq = since;
    this.ws = null;
    this.stopped = true;
    this.ended = false;
    this.attempt = 0;
    this.timer = null;
    this.watchdog = null;
  }

  start() {
    this.stopped = false;
    this.ended = false;
    if (!this.ws) this.connect();
    return this;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.watchdog);
    if (this.ws) this.ws.close(1000, 'page left');
    this.ws = null;
  }

  connect() {
    clearTimeout(this.timer);
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const sep = this.path.includes('?') ? '&' : '?';
    const ws = new WebSocket(scheme + location.host + this.path + sep + 'since=' + this.lastSeq);
    this.ws = ws;
    this.onStatus(this.attempt ? 'reconnecting' : 'connecting');
    ws.onopen = () => {
      const t = token();
      if (t) ws.send(JSON.stringify({token: t}));
      this.attempt = 0;
      this.onStatus('live');
      this.kick();
    };
    ws.onmessage = msg => {
      this.kick();
      let frame;
      try { frame = JSON.parse(msg.data); } catch { return; }
      if (frame.kind === 'event' && frame.event) {
        const e = frame.event;
        if (e.seq > this.lastSeq) {
          this.lastSeq = e.seq;
          this.onEvent(e);
        }
      } else if (frame.kind === 'heartbeat') {
        this.onStatus('live');
      } else if (frame.kind === 'end') {
        this.ended = true;
        this.onStatus('ended');
        this.onEnd(frame.state);
      }
    };
    ws.onclose = ev => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearTimeout(this.watchdog);
      if (this.stopped || this.ended) return;
      if (ev.code === 1008 && /token|auth/i.test(ev.reason || '')) {
        sessionStorage.removeItem(TOKEN_KEY);
        askToken('The event stream needs a valid token (' + ev.reason + ').').then(() => this.connect());
        return;
      }
      const wait = ev.code === 1008 ? 0 : Math.min(15000, 1000 * 2 ** this.attempt);
      this.attempt++;
      this.onStatus('reconnecting');
      this.timer = setTimeout(() => this.connect(), wait);
    };
  }

  kick() {
    clearTimeout(this.watchdog);
    this.watchdog = setTimeout(() => { if (this.ws) this.ws.close(4000, 'no heartbeat'); }, 40000);
  }
}

/** "?repo=R" when a repository is known (run ids are unique per repository, not across them). */
export function repoQuery(repo, sep = '?') {
  return repo ? sep + 'repo=' + encodeURIComponent(repo) : '';
}
