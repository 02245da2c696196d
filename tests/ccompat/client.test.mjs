// A real Confluent Schema Registry client (npm @kafkajs/confluent-schema-registry) against a
// real drivewayd: registering, evolving, being refused an incompatible schema, encoding and
// decoding with the schema id, and the id lookups a producer and a consumer make, for Avro,
// JSON Schema and Protobuf. The registry's objects are checked through the native API too.
//
//   DRIVEWAY_URL=http://127.0.0.1:PORT DRIVEWAY_TOKEN=dw_... node tests/ccompat/client.test.mjs
//
// tests/integration/ccompat_client.sh starts the server, installs the client and runs this.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry'

const url = process.env.DRIVEWAY_URL
const token = process.env.DRIVEWAY_TOKEN
if (!url || !token) {
  console.error('client.test.mjs: DRIVEWAY_URL and DRIVEWAY_TOKEN are needed')
  process.exit(2)
}

// The token as basic auth password, as Confluent clients send basic.auth.user.info.
const registry = new SchemaRegistry({
  host: url,
  auth: { username: 'ci', password: token },
  retry: { retries: 0 },
})

// A fresh client: nothing cached, every id is looked up on the registry again.
const fresh = () =>
  new SchemaRegistry({ host: url, auth: { username: 'ci', password: token }, retry: { retries: 0 } })

async function native(method, path, body) {
  const res = await fetch(url + path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

// The refusal of an incompatible schema, as the client reports it.
async function refused(promise, subject) {
  await assert.rejects(promise, err => {
    assert.equal(err.status, 409, `status of ${err}`)
    assert.match(
      err.message,
      new RegExp(`Schema being registered is incompatible with an earlier schema for subject "${subject}"`),
    )
    return true
  })
}

async function versions(subject) {
  const res = await fetch(`${url}/subjects/${subject}/versions`, {
    headers: { accept: 'application/vnd.schemaregistry.v1+json' },
  })
  assert.equal(res.status, 200)
  assert.equal(res.headers.get('content-type'), 'application/vnd.schemaregistry.v1+json')
  return res.json()
}

test('avro: a declared topic product, registered, evolved, refused, encoded, decoded', async () => {
  // the domain declares the topic product: the subject <topic>-value is its versions
  let r = await native('PUT', '/domains/customer', {
    apiVersion: 'driveway/v1',
    kind: 'Domain',
    metadata: { name: 'customer' },
    spec: { title: 'Customer', owner: 'team-customer' },
  })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  r = await native('PUT', '/domains/customer/products/profile-changed', {
    apiVersion: 'driveway/v1',
    kind: 'DataProduct',
    metadata: { domain: 'customer', name: 'profile-changed', owner: 'team-customer' },
    spec: { type: 'topic', topic: 'customer.profile-changed' },
  })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  const subject = 'customer.profile-changed-value'

  const v1 = {
    type: 'record',
    name: 'ProfileChanged',
    namespace: 'com.example.customer',
    fields: [
      { name: 'id', type: 'long' },
      { name: 'name', type: 'string' },
    ],
  }
  const { id: id1 } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(v1) },
    { subject },
  )
  assert.ok(Number.isInteger(id1) && id1 > 0, `id ${id1}`)
  // idempotent: the same schema, the same id
  assert.equal((await registry.register(v1, { subject })).id, id1)

  const message = await registry.encode(id1, { id: 42, name: 'Ada' })
  assert.equal(message[0], 0, 'magic byte')
  assert.equal(message.readInt32BE(1), id1, 'schema id in the wire format')
  // a consumer that has never seen the schema fetches it by id
  assert.deepEqual({ ...(await fresh().decode(message)) }, { id: 42, name: 'Ada' })

  // a compatible evolution: a new id, version 2
  const v2 = {
    ...v1,
    fields: [...v1.fields, { name: 'email', type: ['null', 'string'], default: null }],
  }
  const { id: id2 } = await registry.register(v2, { subject })
  assert.notEqual(id2, id1)
  assert.deepEqual(await versions(subject), [1, 2])
  assert.equal(await registry.getLatestSchemaId(subject), id2)
  assert.equal(await registry.getRegistryId(subject, 1), id1)
  assert.equal(await registry.getRegistryId(subject, 2), id2)
  assert.equal(await registry.getRegistryId(subject, 'latest'), id2)
  assert.equal(await fresh().getRegistryIdBySchema(subject, v1), id1)
  assert.equal(await fresh().getRegistryIdBySchema(subject, { type: SchemaType.AVRO, schema: JSON.stringify(v2) }), id2)
  // old data read with the new schema (Avro schema resolution, the default filled in)
  assert.deepEqual(
    { ...(await fresh().decode(message, { [SchemaType.AVRO]: { readerSchema: v2 } })) },
    { id: 42, name: 'Ada', email: null },
  )
  const m2 = await registry.encode(id2, { id: 7, name: 'Grace', email: 'g@example.com' })
  assert.deepEqual({ ...(await fresh().decode(m2)) }, { id: 7, name: 'Grace', email: 'g@example.com' })
  assert.deepEqual((await fresh().getSchema(id2)).name, 'com.example.customer.ProfileChanged')

  // incompatible under BACKWARD: a field without a default
  const bad = { ...v2, fields: [...v2.fields, { name: 'age', type: 'int' }] }
  await refused(registry.register(bad, { subject }), subject)
  assert.deepEqual(await versions(subject), [1, 2])

  // the same objects through the native API: versions of the declared product
  r = await native('GET', '/domains/customer/products/profile-changed/versions')
  assert.equal(r.status, 200)
  const listed = (r.body.items ?? r.body).map(v => v.version)
  assert.deepEqual(listed, [1, 2])
  // the client's first registration set the subject's level: the product's compatibility
  r = await native('GET', '/domains/customer/products/profile-changed/compatibility')
  assert.equal(r.status, 200)
  assert.deepEqual(r.body, { compatibility: 'BACKWARD', source: 'product' })

  // an unknown id and an unknown subject, as the client reports them
  await assert.rejects(fresh().getSchema(987654), err => err.status === 404)
  await assert.rejects(registry.getLatestSchemaId('nobody-value'), err => err.status === 404)
  await assert.rejects(fresh().getRegistryIdBySchema(subject, bad), /Schema not found/)
})

test('json schema: registered, evolved, refused, encoded, decoded', async () => {
  const subject = 'orders.placed-value'
  const v1 = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { orderId: { type: 'string' }, amount: { type: 'number' } },
    required: ['orderId'],
    additionalProperties: false,
  }
  const s1 = { type: SchemaType.JSON, schema: JSON.stringify(v1) }
  const { id: id1 } = await registry.register(s1, { subject })
  assert.equal((await registry.register(s1, { subject })).id, id1)

  const message = await registry.encode(id1, { orderId: 'o-1', amount: 12.5 })
  assert.equal(message.readInt32BE(1), id1)
  assert.deepEqual(await fresh().decode(message), { orderId: 'o-1', amount: 12.5 })
  // the client validates payloads against the schema it fetched
  await assert.rejects(registry.encode(id1, { amount: 'twelve' }), /invalid payload/)

  // compatible: an optional property added to a closed content model
  const v2 = {
    ...v1,
    properties: { ...v1.properties, currency: { type: 'string' } },
  }
  const { id: id2 } = await registry.register(
    { type: SchemaType.JSON, schema: JSON.stringify(v2) },
    { subject },
  )
  assert.notEqual(id2, id1)
  assert.deepEqual(await versions(subject), [1, 2])
  assert.equal(await registry.getLatestSchemaId(subject), id2)
  assert.equal(await registry.getRegistryId(subject, 1), id1)
  assert.equal(await fresh().getRegistryIdBySchema(subject, s1), id1)
  const m2 = await registry.encode(id2, { orderId: 'o-2', currency: 'EUR' })
  assert.deepEqual(await fresh().decode(m2), { orderId: 'o-2', currency: 'EUR' })

  // incompatible: a property's type changed
  const bad = {
    ...v2,
    properties: { ...v2.properties, amount: { type: 'string' } },
  }
  await refused(
    registry.register({ type: SchemaType.JSON, schema: JSON.stringify(bad) }, { subject }),
    subject,
  )
  assert.deepEqual(await versions(subject), [1, 2])

  // a subject no product declares lands in the landing domain, owner unknown
  const r = await native('GET', '/domains/unclaimed/products/orders-placed-value')
  assert.equal(r.status, 200, JSON.stringify(r.body))
  assert.equal(r.body.document?.metadata?.owner ?? r.body.metadata?.owner, 'unknown')
})

test('protobuf: registered, evolved, refused, encoded, decoded', async () => {
  const subject = 'payments.settled-value'
  const v1 = `syntax = "proto3";
package com.example.payments;

message PaymentSettled {
  string payment_id = 1;
  int64 amount_cents = 2;
}
`
  const s1 = { type: SchemaType.PROTOBUF, schema: v1 }
  const { id: id1 } = await registry.register(s1, { subject })
  assert.equal((await registry.register(s1, { subject })).id, id1)

  const message = await registry.encode(id1, { paymentId: 'p-1', amountCents: 1250 })
  assert.equal(message.readInt32BE(1), id1)
  const back = await fresh().decode(message)
  assert.equal(back.paymentId, 'p-1')
  assert.equal(Number(back.amountCents), 1250)

  // compatible: a new field with a new number
  const v2 = v1.replace('int64 amount_cents = 2;', 'int64 amount_cents = 2;\n  string currency = 3;')
  const { id: id2 } = await registry.register({ type: SchemaType.PROTOBUF, schema: v2 }, { subject })
  assert.notEqual(id2, id1)
  assert.deepEqual(await versions(subject), [1, 2])
  assert.equal(await registry.getLatestSchemaId(subject), id2)
  assert.equal(await registry.getRegistryId(subject, 2), id2)
  assert.equal(await fresh().getRegistryIdBySchema(subject, s1), id1)
  const m2 = await registry.encode(id2, { paymentId: 'p-2', amountCents: 99, currency: 'EUR' })
  const back2 = await fresh().decode(m2)
  assert.equal(back2.currency, 'EUR')
  // data written with version 2 read by a consumer of version 1: the new field is skipped
  // (past the magic byte, the id and the message index)
  const reader = await fresh().getSchema(id1)
  const old = reader.fromBuffer(m2.subarray(5))
  assert.equal(old.paymentId, 'p-2')
  assert.equal(Number(old.amountCents), 99)
  assert.equal(old.currency, undefined)

  // incompatible: a field's type changed to one of another wire group
  const bad = v2.replace('string currency = 3;', 'int32 currency = 3;')
  await refused(registry.register({ type: SchemaType.PROTOBUF, schema: bad }, { subject }), subject)
  assert.deepEqual(await versions(subject), [1, 2])

  // the schema is served back as the .proto text it was registered with
  const res = await fetch(`${url}/schemas/ids/${id1}`)
  const doc = await res.json()
  assert.equal(doc.schemaType, 'PROTOBUF')
  assert.equal(doc.schema, v1)
})

test('ids are global: the same schema has the same id under every subject', async () => {
  const schema = { type: 'record', name: 'Ping', fields: [{ name: 'at', type: 'long' }] }
  const a = await registry.register(schema, { subject: 'ping-a-value' })
  const b = await registry.register(schema, { subject: 'ping-b-value' })
  assert.equal(a.id, b.id)
  const res = await fetch(`${url}/schemas/ids/${a.id}/subjects`)
  assert.deepEqual(await res.json(), ['ping-a-value', 'ping-b-value'])
})

test('a wrong token is refused with 401', async () => {
  const stranger = new SchemaRegistry({
    host: url,
    auth: { username: 'ci', password: 'dw_not_a_token' },
    retry: { retries: 0 },
  })
  await assert.rejects(
    stranger.register({ type: 'record', name: 'X', fields: [] }, { subject: 'x-value' }),
    err => err.status === 401 && err.unauthorized === true,
  )
})

test('schema references: registered with references, encoded and decoded by a fresh client', async () => {
  // Avro: Order uses com.acme.Address from another subject
  const address = {
    type: 'record',
    name: 'Address',
    namespace: 'com.acme',
    fields: [{ name: 'street', type: 'string' }],
  }
  const { id: addressId } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(address) },
    { subject: 'address-value' },
  )
  const order = {
    type: 'record',
    name: 'Order',
    namespace: 'com.acme',
    fields: [
      { name: 'id', type: 'string' },
      { name: 'ship', type: 'com.acme.Address' },
    ],
  }
  const references = [{ name: 'com.acme.Address', subject: 'address-value', version: 1 }]
  const { id: orderId } = await registry.register(
    { type: SchemaType.AVRO, schema: JSON.stringify(order), references },
    { subject: 'order-value' },
  )
  assert.notEqual(orderId, addressId)
  const message = await registry.encode(orderId, { id: 'o-1', ship: { street: 'Main St 1' } })
  // the consumer resolves the reference by subject and version (records decode as classes)
  const decoded = JSON.parse(JSON.stringify(await fresh().decode(message)))
  assert.deepEqual(decoded, { id: 'o-1', ship: { street: 'Main St 1' } })
  const res = await fetch(`${url}/subjects/address-value/versions/1/referencedby`)
  assert.deepEqual(await res.json(), [orderId])
  const byId = await (await fetch(`${url}/schemas/ids/${orderId}`)).json()
  assert.deepEqual(byId.references, references)

  // Protobuf: an import given as a reference
  const geo = `syntax = "proto3";
package acme.geo;

message Point {
  double lat = 1;
  double lon = 2;
}
`
  await registry.register({ type: SchemaType.PROTOBUF, schema: geo }, { subject: 'point-value' })
  const visit = `syntax = "proto3";
package acme.visits;

import "acme/geo/point.proto";

message Visit {
  string who = 1;
  acme.geo.Point where = 2;
}
`
  const { id: visitId } = await registry.register(
    {
      type: SchemaType.PROTOBUF,
      schema: visit,
      references: [{ name: 'acme/geo/point.proto', subject: 'point-value', version: 1 }],
    },
    { subject: 'visit-value' },
  )
  const m = await registry.encode(visitId, { who: 'ann', where: { lat: 1.5, lon: -2.25 } })
  const back = await fresh().decode(m)
  assert.equal(back.who, 'ann')
  assert.equal(back.where.lat, 1.5)
  assert.equal(back.where.lon, -2.25)
})
