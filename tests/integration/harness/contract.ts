// Checks every answer the generated client receives against api/openapi.yaml
// at run time: the status must be documented for the operation, the media
// type must be one the document lists for that status, and a JSON body must
// validate against the documented schema (additionalProperties: false
// included). The compile-time check (tsc) covers what the tests send; this
// covers what the server sends.
import { readFileSync } from "node:fs";

import _Ajv2020 from "ajv/dist/2020.js";
import _addFormats from "ajv-formats";
import yaml from "js-yaml";
import type { Middleware } from "openapi-fetch";

import { openapiPath } from "./daemon.js";

// CommonJS modules seen from ESM: the class is the default export's default.
const Ajv2020 = ((_Ajv2020 as unknown as { default?: unknown }).default ?? _Ajv2020) as typeof _Ajv2020.default;
const addFormats = ((_addFormats as unknown as { default?: unknown }).default ?? _addFormats) as typeof _addFormats.default;

const docId = "urn:rocd:openapi";

type Json = Record<string, unknown>;

/**
 * Problems any operation may answer before it is even routed (framing,
 * header size, connection cap); the document describes them once in prose.
 */
const transportProblems = new Set(["malformed-request", "header-too-large", "too-many-connections"]);

let loaded: { doc: Json; ajv: InstanceType<typeof Ajv2020> } | undefined;

function load() {
  if (!loaded) {
    const doc = yaml.load(readFileSync(openapiPath, "utf8"), { schema: yaml.JSON_SCHEMA }) as Json;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...doc, $id: docId });
    loaded = { doc, ajv };
  }
  return loaded;
}

const escape = (segment: string) => segment.replace(/~/g, "~0").replace(/\//g, "~1");

function at(doc: Json, pointer: string): unknown {
  let node: unknown = doc;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = node !== null && typeof node === "object" ? (node as Json)[key] : undefined;
  }
  return node;
}

/** The problems of one answer with the document; empty if it conforms. */
export function contractViolations(
  method: string,
  template: string,
  status: number,
  contentType: string | null,
  body: string,
): string[] {
  const { doc, ajv } = load();
  const opPointer = `/paths/${escape(template)}/${method.toLowerCase()}`;
  const op = at(doc, opPointer) as Json | undefined;
  if (!op) return [`${method} ${template} is not in the document`];

  const mediaType = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  let responsePointer = `${opPointer}/responses/${status}`;
  let response = at(doc, responsePointer) as Json | undefined;
  if (!response) {
    if (mediaType === "application/problem+json") {
      const type = String((JSON.parse(body) as Json).type ?? "");
      if (transportProblems.has(type.replace("urn:rocd:problem:", ""))) {
        responsePointer = "/components/responses/BadRequest"; // any Problem response
        response = at(doc, responsePointer) as Json;
      }
    }
    if (!response) return [`${method} ${template}: status ${status} is not documented (${body.slice(0, 200)})`];
  }
  if (typeof response.$ref === "string") {
    responsePointer = response.$ref.slice(1);
    response = at(doc, responsePointer) as Json;
  }
  const content = response.content as Json | undefined;
  if (!content) {
    return body.length === 0 ? [] : [`${method} ${template} ${status}: documented without a body, got ${body.slice(0, 100)}`];
  }
  if (!(mediaType in content)) {
    return [`${method} ${template} ${status}: media type '${mediaType}' is not one of ${Object.keys(content).join(", ")}`];
  }
  if (!/json$/.test(mediaType)) return [];
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return [`${method} ${template} ${status}: body is not JSON: ${body.slice(0, 100)}`];
  }
  const schemaRef = `${docId}#${responsePointer}/content/${escape(mediaType)}/schema`;
  const validate = ajv.getSchema(schemaRef) ?? ajv.compile({ $ref: schemaRef });
  if (validate(value)) return [];
  return (validate.errors ?? []).map(
    (e) => `${method} ${template} ${status}: ${e.instancePath || "(body)"} ${e.message} ${JSON.stringify(e.params)}`,
  );
}

/** openapi-fetch middleware: a non-conforming answer fails the request (and the test). */
export const contractMiddleware: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    // An event stream never ends: check its status and media type only.
    const streaming = /^text\/event-stream/.test(response.headers.get("content-type") ?? "");
    const body = streaming ? "" : await response.clone().text();
    const problems = contractViolations(request.method, schemaPath, response.status, response.headers.get("content-type"), body);
    if (problems.length > 0) {
      throw new Error(`the daemon's answer disagrees with api/openapi.yaml:\n  ${problems.join("\n  ")}`);
    }
    return undefined;
  },
};
