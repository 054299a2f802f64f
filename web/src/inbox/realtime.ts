// The one WebSocket of this tab (`/api/v1/ws`, docs/architecture.md "Realtime"): authenticates with
// the `bearer` subprotocol (never the URL), keeps the wanted topics subscribed across reconnects,
// pings every 30 s, refreshes the token when the server closes on expiry, and hands events to
// listeners. `RealtimeBridge` (./RealtimeBridge.tsx) turns events into query invalidations.

import { create } from "zustand";

import { accessToken, refreshSession, useSession } from "../auth/session";

export interface RealtimeEvent {
  type: string;
  tenant_id: string;
  conversation_id?: string | null;
  message_id?: string | null;
  user_id?: string | null;
  data?: Record<string, unknown> | null;
}

export type ConnectionStatus = "idle" | "connecting" | "open" | "offline";

/** Who is typing where: conversation id → typer key (user id or "contact") → expiry (ms). */
export type TypingMap = Record<string, Record<string, number>>;

interface RealtimeState {
  status: ConnectionStatus;
  typing: TypingMap;
  /** Bumped on every (re)connection after the first: screens refetch what they may have missed. */
  generation: number;
}

export const useRealtime = create<RealtimeState>(() => ({ status: "idle", typing: {}, generation: 0 }));

/** A typing indicator lasts this long without a repeat (the server drops repeats within 1 s). */
export const TYPING_TTL_MS = 6_000;
const PING_MS = 30_000;

type Listener = (event: RealtimeEvent, topic: string) => void;

/** The key of a typing event's author: the agent's user id, or "contact" for the customer. */
export function typerOf(e: RealtimeEvent): string {
  return e.data && e.data.contact === true ? "contact" : (e.user_id ?? "agent");
}

/** Applies a typing event to the map (pure, for tests). */
export function applyTyping(map: TypingMap, e: RealtimeEvent, now: number): TypingMap {
  const conv = e.conversation_id;
  if (!conv) return map;
  const who = typerOf(e);
  const cur: Record<string, number> = {};
  // Expired entries go as new events come, so the map never outgrows who types right now.
  for (const [k, until] of Object.entries(map[conv] ?? {})) if (until > now) cur[k] = until;
  if (e.data?.on === false) delete cur[who];
  else cur[who] = now + TYPING_TTL_MS;
  const next = { ...map };
  if (Object.keys(cur).length) next[conv] = cur;
  else delete next[conv];
  return next;
}

/** Who is typing in a conversation now (keys whose expiry is in the future). */
export function typersIn(map: TypingMap, conversationId: string, now: number): string[] {
  return Object.entries(map[conversationId] ?? {})
    .filter(([, until]) => until > now)
    .map(([who]) => who);
}

/** Whether a JWT access token expires within `marginMs` (API keys and unreadable tokens: no). */
export function expiresSoon(token: string, now: number, marginMs = 10_000): boolean {
  const part = token.split(".")[1];
  if (!part) return false;
  try {
    const json = atob(part.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(part.length / 4) * 4, "="));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" && exp * 1000 - marginMs <= now;
  } catch {
    return false;
  }
}

export function wsUrl(origin: string): string {
  return `${origin.replace(/^http/, "ws")}/api/v1/ws`;
}

class RealtimeClient {
  private ws: WebSocket | null = null;
  private topics = new Map<string, number>();
  private listeners = new Set<Listener>();
  private running = false;
  private attempt = 0;
  private connectedOnce = false;
  private ping: ReturnType<typeof setInterval> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  /** Bumped by stop(): work begun before (an awaited refresh) must not reconnect after. */
  private epoch = 0;

  /** Starts (idempotent) the connection for the signed-in session. */
  start() {
    if (this.running) return;
    this.running = true;
    this.connect();
  }

  /** Closes the socket and stops reconnecting (sign-out, tenant switch). */
  stop() {
    this.epoch++;
    this.running = false;
    this.connectedOnce = false;
    this.attempt = 0;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.teardown();
    useRealtime.setState({ status: "idle", typing: {} });
  }

  /** Keeps `topic` subscribed until the returned function is called (reference counted). */
  subscribe(topic: string): () => void {
    const n = this.topics.get(topic) ?? 0;
    this.topics.set(topic, n + 1);
    if (n === 0) this.send({ type: "subscribe", topic });
    return () => {
      const left = (this.topics.get(topic) ?? 1) - 1;
      if (left > 0) {
        this.topics.set(topic, left);
        return;
      }
      this.topics.delete(topic);
      this.send({ type: "unsubscribe", topic });
    };
  }

  onEvent(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Tells the others watching the conversation (and the widget visitor) that we type. */
  typing(conversationId: string, on: boolean) {
    this.send({ type: "typing", conversation_id: conversationId, on });
  }

  presence(state: "online" | "away") {
    this.send({ type: "presence", state });
  }

  private send(frame: object) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private teardown() {
    if (this.ping) clearInterval(this.ping);
    this.ping = null;
    const ws = this.ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000);
      } catch {
        // already closed
      }
    }
  }

  private connect() {
    void this.dial(this.epoch);
  }

  private async dial(epoch: number) {
    if (!this.running || epoch !== this.epoch) return;
    let token = accessToken();
    if (!token || typeof WebSocket === "undefined") return;
    useRealtime.setState({ status: this.connectedOnce ? "offline" : "connecting" });
    // A refused token is answered 401 before the upgrade, which a browser reports only as a
    // close (1006): so an expired access token (after a sleep, a long drop) is refreshed first.
    if (expiresSoon(token, Date.now())) {
      await refreshSession(token);
      if (epoch !== this.epoch) return;
      if (!useSession.getState().session) {
        this.stop();
        return;
      }
      token = accessToken() ?? token;
    }
    if (this.ws) this.teardown();
    let ws: WebSocket;
    try {
      ws = new WebSocket(wsUrl(location.origin), ["bearer", token]);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    const used = token;
    ws.onmessage = (m) => this.receive(m.data);
    ws.onclose = (c) => void this.closed(c.code, used, epoch);
    ws.onerror = () => {
      // onclose follows and decides
    };
  }

  private receive(raw: unknown) {
    if (typeof raw !== "string") return;
    let frame: { type?: string; topic?: string; event?: RealtimeEvent };
    try {
      frame = JSON.parse(raw) as typeof frame;
    } catch {
      return;
    }
    switch (frame.type) {
      case "authenticated": {
        this.attempt = 0;
        for (const topic of this.topics.keys()) this.send({ type: "subscribe", topic });
        this.ping = setInterval(() => this.send({ type: "ping" }), PING_MS);
        const again = this.connectedOnce;
        this.connectedOnce = true;
        useRealtime.setState((s) => ({ status: "open", generation: again ? s.generation + 1 : s.generation }));
        break;
      }
      case "event": {
        const e = frame.event;
        if (!e || !frame.topic) return;
        if (e.type === "typing") useRealtime.setState((s) => ({ typing: applyTyping(s.typing, e, Date.now()) }));
        for (const l of this.listeners) l(e, frame.topic);
        break;
      }
      default:
        break;
    }
  }

  private async closed(code: number, token: string, epoch: number) {
    if (this.ping) clearInterval(this.ping);
    this.ping = null;
    this.ws = null;
    if (!this.running || epoch !== this.epoch) return;
    useRealtime.setState({ status: "offline" });
    if (code === 4403) {
      // Tenant suspended or membership ended: the API answers the same; the session is over.
      this.stop();
      return;
    }
    if (code === 4401) {
      // Expired or refused token: refresh, then reconnect with the new one. Offline, the refresh
      // fails without ending the session: keep trying (stop only when the session ended).
      await refreshSession(token);
      if (epoch !== this.epoch) return;
      if (!useSession.getState().session) {
        this.stop();
        return;
      }
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect() {
    if (!this.running) return;
    const delay = Math.min(30_000, 500 * 2 ** this.attempt) * (0.75 + Math.random() / 2);
    this.attempt = Math.min(this.attempt + 1, 8);
    if (this.retry) clearTimeout(this.retry);
    this.retry = setTimeout(() => this.connect(), delay);
  }
}

/** The tab's realtime connection. */
export const realtime = new RealtimeClient();
