// Contracts rendered for reading: OpenAPI operations grouped by path with their parameters and
// response schemas, Avro and JSON Schema as field trees with types and docs, table contracts
// (ODCS) as column tables. Everything goes through h(): contract text is only ever text.

import { h, badge, table } from './dom.js';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const MAX_DEPTH = 12; // schema nesting shown; deeper levels are summarised

// The target of a local $ref ("#/components/schemas/User") in root, or undefined.
export function resolveRef(root, ref) {
  if (typeof ref !== 'string' || !ref.startsWith('#')) return undefined;
  let cur = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object' || !(key in cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

function refName(ref) {
  return String(ref).split('/').pop();
}

// A short type label for a JSON Schema / OpenAPI schema.
export function typeLabel(s, root) {
  if (s === true) return 'any';
  if (s === false) return 'nothing';
  if (!s || typeof s !== 'object') return '?';
  if (s.$ref) return refName(s.$ref);
  let t = Array.isArray(s.type) ? s.type.join(' | ') : s.type;
  if (t === 'array' || (!t && s.items)) return `array of ${typeLabel(s.items || {}, root)}`;
  for (const k of ['oneOf', 'anyOf', 'allOf']) {
    if (Array.isArray(s[k])) return `${k}(${s[k].map((x) => typeLabel(x, root)).join(', ')})`;
  }
  if (!t && s.properties) t = 'object';
  if (!t && s.enum) t = 'enum';
  if (s.format) t = t ? t.replace(/^([a-z]+)/, `$1(${s.format})`) : `(${s.format})`;
  if (s.nullable) t += ' | null';
  return t || 'any';
}

// The field tree of a JSON Schema / OpenAPI schema.
export function schemaTree(schema, root, depth = 0, seen = new Set()) {
  const ul = h('ul', { class: 'tree' });
  fillTree(ul, schema, root, depth, seen);
  return ul.children.length ? ul : null;
}

function fillTree(ul, schema, root, depth, seen) {
  if (!schema || typeof schema !== 'object' || depth > MAX_DEPTH) return;
  if (schema.$ref) {
    if (seen.has(schema.$ref)) {
      ul.append(h('li', { class: 'note' }, `(recursive: ${refName(schema.$ref)})`));
      return;
    }
    const target = resolveRef(root, schema.$ref);
    if (!target) return;
    const next = new Set(seen);
    next.add(schema.$ref);
    fillTree(ul, target, root, depth, next);
    return;
  }
  for (const k of ['allOf', 'oneOf', 'anyOf']) {
    if (Array.isArray(schema[k])) {
      schema[k].forEach((sub, i) => {
        if (k === 'allOf') fillTree(ul, sub, root, depth, seen);
        else {
          const inner = schemaTree(sub, root, depth + 1, seen);
          ul.append(h('li', {}, h('span', { class: 'type' }, `${k} option ${i + 1}: ${typeLabel(sub, root)}`), inner));
        }
      });
    }
  }
  if (schema.items && typeof schema.items === 'object') fillTree(ul, schema.items, root, depth + 1, seen);
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const props = schema.properties && typeof schema.properties === 'object' ? schema.properties : {};
  for (const [name, sub] of Object.entries(props)) {
    const li = h('li', {},
      h('code', { class: 'field' }, name), ' ',
      h('span', { class: 'type' }, typeLabel(sub, root)),
      required.has(name) ? [' ', badge('required', 'req')] : null,
      sub && sub.deprecated ? [' ', badge('deprecated', 'life-deprecated')] : null,
      sub && (sub.description || sub.title) ? h('span', { class: 'doc' }, ` — ${sub.description || sub.title}`) : null,
      sub && Array.isArray(sub.enum) ? h('span', { class: 'doc' }, ` (one of ${sub.enum.map(String).join(', ')})`) : null);
    const inner = depth + 1 > MAX_DEPTH ? null : schemaTree(sub, root, depth + 1, seen);
    if (inner) li.append(inner);
    ul.append(li);
  }
}

function paramRows(params, root) {
  return params.map((p0) => {
    const p = p0 && p0.$ref ? resolveRef(root, p0.$ref) || {} : p0 || {};
    return [h('code', {}, p.name || '?'), p.in || '', p.required ? 'yes' : 'no',
      typeLabel(p.schema || {}, root), p.description || ''];
  });
}

function mediaSchemas(content, root) {
  const out = [];
  for (const [type, media] of Object.entries(content || {})) {
    const s = media && media.schema;
    out.push(h('div', { class: 'media' },
      h('p', {}, h('code', {}, type), s ? [' ', h('span', { class: 'type' }, typeLabel(s, root))] : null),
      s ? schemaTree(s, root) : null));
  }
  return out;
}

function openapiView(doc) {
  const root = doc;
  const paths = doc.paths && typeof doc.paths === 'object' ? doc.paths : {};
  const info = doc.info || {};
  const view = h('div', { class: 'openapi' },
    h('p', {}, h('strong', {}, info.title || 'API'), info.version ? ` · version ${info.version}` : '',
      doc.openapi ? ` · OpenAPI ${doc.openapi}` : ''),
    info.description ? h('p', { class: 'desc' }, info.description) : null);
  const entries = Object.entries(paths);
  if (!entries.length) view.append(h('p', { class: 'hint' }, 'This contract describes no paths.'));
  for (const [p, item0] of entries) {
    const item = item0 && item0.$ref ? resolveRef(root, item0.$ref) || {} : item0 || {};
    const group = h('section', { class: 'path' }, h('h4', {}, h('code', {}, p)));
    for (const m of METHODS) {
      const op = item[m];
      if (!op || typeof op !== 'object') continue;
      const params = [...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(Array.isArray(op.parameters) ? op.parameters : [])];
      const card = h('div', { class: 'op' },
        h('h5', {}, badge(m.toUpperCase(), `method m-${m}`), ' ', h('code', {}, p),
          op.operationId ? [' ', h('span', { class: 'opid' }, op.operationId)] : null,
          op.deprecated ? [' ', badge('deprecated', 'life-deprecated')] : null),
        op.summary ? h('p', {}, op.summary) : null,
        op.description && op.description !== op.summary ? h('p', { class: 'desc' }, op.description) : null);
      if (params.length) {
        card.append(table('Parameters', ['Name', 'In', 'Required', 'Type', 'Description'], paramRows(params, root), 'params'));
      }
      let body = op.requestBody;
      if (body && body.$ref) body = resolveRef(root, body.$ref);
      if (body && body.content) {
        card.append(h('div', { class: 'request' }, h('h6', {}, `Request body${body.required ? ' (required)' : ''}`),
          ...mediaSchemas(body.content, root)));
      }
      const responses = op.responses && typeof op.responses === 'object' ? op.responses : {};
      const rl = h('div', { class: 'responses' }, h('h6', {}, 'Responses'));
      for (const [code, r0] of Object.entries(responses)) {
        const r = r0 && r0.$ref ? resolveRef(root, r0.$ref) || {} : r0 || {};
        rl.append(h('div', { class: 'response' },
          h('p', {}, badge(code, `status s${String(code)[0]}`), ' ', r.description || ''),
          ...mediaSchemas(r.content, root)));
      }
      card.append(rl);
      group.append(card);
    }
    view.append(group);
  }
  return view;
}

function jsonSchemaView(doc) {
  const tree = schemaTree(doc, doc);
  return h('div', { class: 'jsonschema' },
    h('p', {}, h('strong', {}, doc.title || 'Schema'), ` · ${typeLabel(doc, doc)}`),
    doc.description ? h('p', { class: 'desc' }, doc.description) : null,
    tree || h('p', { class: 'hint' }, 'This schema declares no properties.'));
}

// Avro ---------------------------------------------------------------------------------------

function avroLabel(t) {
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.map(avroLabel).join(' | ');
  if (!t || typeof t !== 'object') return '?';
  if (t.type === 'array') return `array of ${avroLabel(t.items)}`;
  if (t.type === 'map') return `map of ${avroLabel(t.values)}`;
  if (t.logicalType) return `${t.type}(${t.logicalType})`;
  if (t.type === 'enum') return `enum ${t.name}`;
  if (t.type === 'fixed') return `fixed ${t.name}(${t.size})`;
  if (t.type === 'record' || t.type === 'error') return t.name || 'record';
  return avroLabel(t.type);
}

function avroTree(t, depth = 0) {
  if (depth > MAX_DEPTH || !t || typeof t !== 'object') return null;
  if (Array.isArray(t)) {
    const parts = t.map((x) => avroTree(x, depth)).filter(Boolean);
    return parts.length ? h('div', {}, ...parts) : null;
  }
  if (t.type === 'array') return avroTree(t.items, depth);
  if (t.type === 'map') return avroTree(t.values, depth);
  if (t.type === 'enum' && Array.isArray(t.symbols)) return h('p', { class: 'doc' }, `symbols: ${t.symbols.join(', ')}`);
  if ((t.type !== 'record' && t.type !== 'error') || !Array.isArray(t.fields)) return null;
  return h('ul', { class: 'tree' }, t.fields.map((f) => h('li', {},
    h('code', { class: 'field' }, (f && f.name) || '?'), ' ',
    h('span', { class: 'type' }, avroLabel(f && f.type)),
    f && 'default' in f ? h('span', { class: 'doc' }, ` default ${JSON.stringify(f.default)}`) : null,
    f && f.doc ? h('span', { class: 'doc' }, ` — ${f.doc}`) : null,
    avroTree(f && f.type, depth + 1))));
}

function avroView(doc) {
  return h('div', { class: 'avro' },
    h('p', {}, h('strong', {}, typeof doc === 'object' && doc && doc.name ? [doc.namespace ? `${doc.namespace}.` : '', doc.name] : 'Schema'),
      ` · ${avroLabel(doc)}`),
    doc && doc.doc ? h('p', { class: 'desc' }, doc.doc) : null,
    avroTree(doc) || h('p', { class: 'hint' }, 'This schema has no record fields.'));
}

// ODCS ---------------------------------------------------------------------------------------

function odcsView(doc) {
  const view = h('div', { class: 'odcs' },
    h('p', {}, h('strong', {}, doc.name || doc.id || 'Table contract'), doc.version ? ` · version ${doc.version}` : '',
      doc.status ? ` · ${doc.status}` : ''));
  const d = doc.description;
  if (d && typeof d === 'object') {
    for (const k of ['purpose', 'usage', 'limitations']) if (d[k]) view.append(h('p', { class: 'desc' }, `${k[0].toUpperCase()}${k.slice(1)}: ${d[k]}`));
  } else if (typeof d === 'string') view.append(h('p', { class: 'desc' }, d));
  for (const obj of Array.isArray(doc.schema) ? doc.schema : []) {
    const cols = Array.isArray(obj.properties) ? obj.properties : [];
    view.append(h('h4', {}, h('code', {}, obj.physicalName || obj.name || '?')),
      obj.description ? h('p', { class: 'desc' }, obj.description) : null,
      table(null, ['Column', 'Logical type', 'Physical type', 'Required', 'Key', 'Description'],
        cols.map((c) => [h('code', {}, c.name || '?'), c.logicalType || '', c.physicalType || '',
          c.required ? 'yes' : 'no',
          c.primaryKey ? `primary${c.primaryKeyPosition ? ` (${c.primaryKeyPosition})` : ''}` : '',
          c.description || '']), 'columns'));
  }
  return view;
}

export function renderContract(format, doc) {
  switch (format) {
    case 'openapi': return openapiView(doc || {});
    case 'jsonschema': return jsonSchemaView(doc || {});
    case 'avro': return avroView(doc);
    case 'odcs': return odcsView(doc || {});
    default: return h('p', { class: 'hint' }, `No reading view for format ${format}; see the raw text.`);
  }
}
