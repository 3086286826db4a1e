// The API client, generated from api/openapi.yaml (a drift between this
// page and the API fails the type check), and the bearer token: asked once
// when the API says 401, kept in this tab's session storage, never in a URL.
import { signal } from "@preact/signals";
import createClient, { type Middleware } from "openapi-fetch";

import type { components, paths } from "../generated/api";

export type Peer = components["schemas"]["Peer"];
export type Port = components["schemas"]["Port"];
export type Stream = components["schemas"]["Stream"];
export type Problem = components["schemas"]["Problem"];

const tokenKey = "rocd-token";

/** Set when a request was refused for want of the right token: the page asks for one. */
export const tokenWanted = signal<"missing" | "wrong" | null>(null);

export function token(): string | null {
  return sessionStorage.getItem(tokenKey);
}

export function setToken(value: string) {
  sessionStorage.setItem(tokenKey, value);
  tokenWanted.value = null;
}

/** Headers every request carries (also the event stream's). */
export function authHeaders(): Record<string, string> {
  const t = token();
  return t ? { Authorization: `Bearer ${t}` } : {};
}

const auth: Middleware = {
  onRequest({ request }) {
    const t = token();
    if (t) request.headers.set("Authorization", `Bearer ${t}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401) tokenWanted.value = token() ? "wrong" : "missing";
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: location.origin });
api.use(auth);

/** What went wrong, in one line, from a problem+json answer. */
export function describe(error: unknown, status?: number): string {
  const p = error as Partial<Problem> | undefined;
  if (p && typeof p === "object" && (p.title || p.detail)) {
    return [p.detail ?? p.title, p.field ? `(${p.field})` : ""].filter(Boolean).join(" ");
  }
  return status ? `HTTP ${status}` : String(error);
}
