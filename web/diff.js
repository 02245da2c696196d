// A structural comparison of two contracts, computed in the browser when the registry has no
// compatibility endpoint. It lists what a reader of the contracts would see: operations and
// fields added or removed, types changed, fields becoming required. It is not the registry's
// compatibility verdict (no modes, no format-specific resolution rules): the page says so.

import { resolveRef, typeLabel } from './contract.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const MAX_DEPTH = 24;

// Flattens schema fields into map path -> {type, required}.
function walkSchema(out, prefix, s, root, depth, seen) {
  if (!s || typeof s !== 'object' || depth > MAX_DEPTH) return;
  if (s.$ref) {
    if (seen.has(s.$ref)) return;
    const t = resolveRef(root, s.$ref);
    const next = new Set(seen);
    next.add(s.$ref);
    walkSchema(out, prefix, t, root, depth + 1, next);
    return;
  }
  for (const k of ['allOf', 'oneOf', 'anyOf']) {
    if (Array.isArray(s[k])) s[k].forEach((x) => walkSchema(out, prefix, x, root, depth + 1, seen));
  }
  if (s.items) walkSchema(out, `${prefix}[]`, s.items, root, depth + 1, seen);
  const req = new Set(Array.isArray(s.required) ? s.required : []);
  if (s.properties && typeof s.properties === 'object' && !Array.isArray(s.properties)) {
    for (const [name, sub] of Object.entries(s.properties)) {
      const p = prefix ? `${prefix}.${name}` : name;
      out.set(p, { type: typeLabel(sub, root), required: req.has(name) });
      walkSchema(out, p, sub, root, depth + 1, seen);
    }
  }
}

function avroType(t) {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.map(avroType).join(' | ');
  if (!t || typeof t !== 'object') return '?';
  if (t.type === 'array') return `array of ${avroType(t.items)}`;
  if (t.type === 'map') return `map of ${avroType(t.values)}`;
  if (t.logicalType) return `${t.type}(${t.logicalType})`;
  return t.name || t.type;
}

function walkAvro(out, prefix, t, depth) {
  if (!t || typeof t !== 'object' || depth > MAX_DEPTH) return;
  if (Array.isArray(t)) { t.forEach((x) => walkAvro(out, prefix, x, depth + 1)); return; }
  if (t.type === 'array') { walkAvro(out, `${prefix}[]`, t.items, depth + 1); return; }
  if (t.type === 'map') { walkAvro(out, `${prefix}{}`, t.values, depth + 1); return; }
  if (!Array.isArray(t.fields)) return;
  for (const f of t.fields) {
    if (!f || typeof f.name !== 'string') continue;
    const p = prefix ? `${prefix}.${f.name}` : f.name;
    out.set(p, { type: avroType(f.type), required: !('default' in f) });
    walkAvro(out, p, f.type, depth + 1);
  }
}

// format, doc -> {ops: Map key -> label, fields: Map path -> {type, required}}
function shape(format, doc) {
  const ops = new Map();
  const fields = new Map();
  if (format === 'openapi' && doc && typeof doc === 'object') {
    for (const [p, item0] of Object.entries(doc.paths || {})) {
      const item = item0 && item0.$ref ? resolveRef(doc, item0.$ref) || {} : item0 || {};
      for (const m of METHODS) {
        const op = item[m];
        if (!op || typeof op !== 'object') continue;
        const key = `${m.toUpperCase()} ${p}`;
        ops.set(key, op.operationId ? `${key} (${op.operationId})` : key);
        const params = [...(item.parameters || []), ...(op.parameters || [])];
        for (const p0 of params) {
          const prm = p0 && p0.$ref ? resolveRef(doc, p0.$ref) || {} : p0 || {};
          if (prm.name) fields.set(`${key} parameter ${prm.in || ''}:${prm.name}`, { type: typeLabel(prm.schema || {}, doc), required: !!prm.required });
        }
        for (const [code, r0] of Object.entries(op.responses || {})) {
          const r = r0 && r0.$ref ? resolveRef(doc, r0.$ref) || {} : r0 || {};
          for (const [mt, media] of Object.entries(r.content || {})) {
            walkSchema(fields, `${key} ${code} ${mt}`, media && media.schema, doc, 0, new Set());
          }
        }
        let body = op.requestBody;
        if (body && body.$ref) body = resolveRef(doc, body.$ref);
        for (const [mt, media] of Object.entries((body && body.content) || {})) {
          walkSchema(fields, `${key} request ${mt}`, media && media.schema, doc, 0, new Set());
        }
      }
    }
  } else if (format === 'jsonschema') {
    walkSchema(fields, '', doc, doc, 0, new Set());
  } else if (format === 'avro') {
    walkAvro(fields, '', doc, 0);
  } else if (format === 'odcs' && doc && Array.isArray(doc.schema)) {
    for (const obj of doc.schema) {
      for (const c of Array.isArray(obj.properties) ? obj.properties : []) {
        if (c && c.name) fields.set(`${obj.name}.${c.name}`, { type: c.physicalType || c.logicalType || '?', required: !!c.required });
      }
    }
  }
  return { ops, fields };
}

// The changes from old to new: [{severity: breaking|warning|info, kind, subject, message}],
// breaking ones first.
export function structuralDiff(format, oldDoc, newDoc) {
  const a = shape(format, oldDoc);
  const b = shape(format, newDoc);
  const out = [];
  for (const [k, label] of a.ops) if (!b.ops.has(k)) out.push({ severity: 'breaking', kind: 'operation-removed', subject: label, message: `operation ${label} removed` });
  for (const [k, label] of b.ops) if (!a.ops.has(k)) out.push({ severity: 'info', kind: 'operation-added', subject: label, message: `operation ${label} added` });
  for (const [p, f] of a.fields) {
    const g = b.fields.get(p);
    const opGone = [...a.ops.keys()].some((k) => p.startsWith(`${k} `) && !b.ops.has(k));
    if (!g) {
      if (!opGone) out.push({ severity: 'breaking', kind: 'field-removed', subject: p, message: `field '${p}' removed` });
      continue;
    }
    if (g.type !== f.type) out.push({ severity: 'breaking', kind: 'type-changed', subject: p, message: `type of '${p}' changed from ${f.type} to ${g.type}` });
    if (g.required && !f.required) out.push({ severity: 'breaking', kind: 'became-required', subject: p, message: `'${p}' became required` });
    if (!g.required && f.required) out.push({ severity: 'warning', kind: 'became-optional', subject: p, message: `'${p}' became optional` });
  }
  for (const [p, g] of b.fields) {
    if (a.fields.has(p)) continue;
    const opNew = [...b.ops.keys()].some((k) => p.startsWith(`${k} `) && !a.ops.has(k));
    if (opNew) continue;
    out.push(g.required
      ? { severity: 'breaking', kind: 'required-field-added', subject: p, message: `required field '${p}' added` }
      : { severity: 'info', kind: 'field-added', subject: p, message: `field '${p}' added` });
  }
  const rank = { breaking: 0, warning: 1, info: 2 };
  return out.sort((x, y) => rank[x.severity] - rank[y.severity] || x.subject.localeCompare(y.subject));
}
