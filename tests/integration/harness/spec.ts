// The API document as data, to walk every operation it declares.
import { readFileSync } from "node:fs";

import yaml from "js-yaml";

import { openapiPath } from "./daemon.js";

export interface Operation {
  method: string;
  /** The templated path, e.g. /peers/{peer}. */
  template: string;
  /** The path with every parameter filled in (peer: self). */
  path: string;
  operationId: string;
  /** Documented status codes. */
  statuses: string[];
  /** Content types of the 200 answer. */
  okTypes: string[];
  /** `security: []`: served without the token (the web admin's page). */
  open: boolean;
}

interface Doc {
  paths: Record<
    string,
    Record<string, { operationId: string; security?: unknown[]; responses: Record<string, { content?: Record<string, unknown> }> }>
  >;
}

export function operations(): Operation[] {
  const doc = yaml.load(readFileSync(openapiPath, "utf8"), { schema: yaml.JSON_SCHEMA }) as Doc;
  const out: Operation[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!["get", "put", "post", "patch", "delete"].includes(method)) continue;
      out.push({
        method: method.toUpperCase(),
        template,
        path: template.replace("{peer}", "self"),
        operationId: op.operationId,
        statuses: Object.keys(op.responses),
        okTypes: Object.keys(op.responses["200"]?.content ?? {}),
        open: Array.isArray(op.security) && op.security.length === 0,
      });
    }
  }
  return out;
}
