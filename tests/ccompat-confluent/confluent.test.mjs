// Confluent's own Schema Registry client for JavaScript (npm @confluentinc/schemaregistry)
// against a real drivewayd, used as a Kafka application uses it: the SchemaRegistryClient's
// calls (register, lookups, versions, compatibility, config, deletes, references) and the
// Avro, JSON Schema and Protobuf serializers and deserializers, with a consumer that starts
// with an empty cache. Errors are checked as the client surfaces them (RestError: status,
// errorCode, message).
//
//   DRIVEWAY_URL=http://127.0.0.1:PORT DRIVEWAY_TOKEN=dw_... node tests/ccompat-confluent/confluent.test.mjs
//
// tests/integration/ccompat_client.sh starts the server, installs the client and runs this.
// The Protobuf serdes exchange schemas as base64 of a FileDescriptorProto (registration and
// ?format=serialized), which drivewayd takes and serves alongside the .proto text.
import assert from 'node:assert/strict'
import { test } from 'node:test'

import {
  AvroDeserializer,
  AvroSerializer,
  JsonDeserializer,
  JsonSerializer,
  ProtobufDeserializer,
  ProtobufSerializer,
  SchemaRegistryClient,
  SerdeType,
} from '@confluentinc/schemaregistry'
import { create, createFileRegistry } from '@bufbuild/protobuf'
import { FileDescriptorProtoSchema } from '@bufbuild/protobuf/wkt'

const url = process.env.DRIVEWAY_URL
const token = process.env.DRIVEWAY_TOKEN
if (!url || !token) {
  console.error('confluent.test.mjs: DRIVEWAY_URL and DRIVEWAY_TOKEN are needed')
  process.exit(2)
}

// basic.auth.credentials.source=USER_INFO, basic.auth.user.info=ci:<token>
const client = new SchemaRegistryClient({
  baseURLs: [url],
  basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: `ci:${token}` },
  maxRetries: 0,
})
// A consumer's client: no credentials (reads are open), nothing cached.
const fresh = () => new SchemaRegistryClient({ baseURLs: [url], maxRetries: 0 })
// A producer's client, nothing cached.
const freshWriter = () =>
  new SchemaRegistryClient({
    baseURLs: [url],
    basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: `ci:${token}` },
    maxRetries: 0,
  })

const avro = schema => ({ schemaType: 'AVRO', schema: JSON.stringify(schema) })
const json = schema => ({ schemaType: 'JSON', schema: JSON.stringify(schema) })
const plain = v => JSON.parse(JSON.stringify(v)) // Avro records decode as class instances

// The client's RestError, as Confluent's registry would make it.
function restError(status, errorCode, message) {
  return err => {
    assert.equal(err.status, status, `status of ${err.message}`)
    assert.equal(err.errorCode, errorCode, `error code of ${err.message}`)
    if (message) assert.match(err.message, message)
    return true
  }
}

const user1 = {
  type: 'record',
  name: 'User',
  namespace: 'com.acme',
  fields: [{ name: 'id', type: 'long' }],
}
const user2 = {
  ...user1,
  fields: [...user1.fields, { name: 'email', type: ['null', 'string'], default: null }],
}

test('client: register, look up, read versions and subjects (Avro)', async () => {
  const subject = 'users-value'
  const id1 = await client.register(subject, avro(user1))
  assert.ok(Number.isInteger(id1) && id1 > 0, `id ${id1}`)
  // the same schema again: the same id, from a client with nothing cached
  assert.equal(await freshWriter().register(subject, avro(user1)), id1)
  const full = await client.registerFullResponse(subject, avro(user2))
  assert.ok(full.id > id1, JSON.stringify(full))
  const id2 = full.id

  // lookups (POST /subjects/{s}): the id and the version of a registered schema
  assert.equal(await fresh().getId(subject, avro(user1)), id1)
  assert.deepEqual(await fresh().getIdFullResponse(subject, avro(user1)), {
    subject,
    version: 1,
    id: id1,
    schema: JSON.stringify(user1),
  })
  assert.equal(await fresh().getVersion(subject, avro(user2)), 2)
  await assert.rejects(
    fresh().getId(subject, avro({ ...user1, name: 'Other' })),
    restError(404, 40403, /Schema not found/),
  )

  assert.deepEqual(await fresh().getBySubjectAndId(subject, id2), { schema: JSON.stringify(user2) })
  assert.deepEqual(await fresh().getLatestSchemaMetadata(subject), {
    subject,
    version: 2,
    id: id2,
    schema: JSON.stringify(user2),
  })
  assert.deepEqual(await fresh().getSchemaMetadata(subject, 1), {
    subject,
    version: 1,
    id: id1,
    schema: JSON.stringify(user1),
  })
  assert.deepEqual(await fresh().getAllVersions(subject), [1, 2])
  assert.ok((await fresh().getAllSubjects()).includes(subject))
})

test('client: normalize on registration and lookup', async () => {
  // key order and {"type": "long"} for "long": one schema once normalized
  const messy = '{"fields":[{"type":{"type":"long"},"name":"n"}],"name":"Norm","type":"record"}'
  const tidy = '{"type":"record","name":"Norm","fields":[{"name":"n","type":"long"}]}'
  const id = await client.register('norm-a-value', { schemaType: 'AVRO', schema: messy }, true)
  assert.equal(await client.register('norm-b-value', { schemaType: 'AVRO', schema: tidy }, true), id)
  assert.equal(await fresh().getId('norm-a-value', { schemaType: 'AVRO', schema: tidy }, true), id)
  const kept = await fresh().getLatestSchemaMetadata('norm-a-value')
  assert.equal(kept.id, id)
  assert.deepEqual(JSON.parse(kept.schema), JSON.parse(tidy))
  // without normalize a schema is kept as sent: another schema, another id
  const asSent = await client.register('norm-c-value', { schemaType: 'AVRO', schema: messy })
  assert.notEqual(asSent, id)
  assert.equal((await fresh().getLatestSchemaMetadata('norm-c-value')).schema, messy)
})

test('client: compatibility checks, config and the default level', async () => {
  const subject = 'compat-value'
  await client.register(subject, avro(user1))
  assert.equal(await client.testSubjectCompatibility(subject, avro(user2)), true)
  const breaking = { ...user1, fields: [{ name: 'id', type: 'string' }] }
  assert.equal(await client.testSubjectCompatibility(subject, avro(breaking)), false)
  assert.equal(await client.testCompatibility(subject, 1, avro(user2)), true)
  assert.equal(await client.testCompatibility(subject, 1, avro(breaking)), false)
  await assert.rejects(
    client.testCompatibility(subject, 7, avro(user2)),
    restError(404, 40402, /Version 7 not found/),
  )

  assert.equal(await fresh().getDefaultCompatibility(), 'BACKWARD')
  assert.equal((await fresh().getDefaultConfig()).compatibilityLevel, 'BACKWARD')
  // no subject-level setting yet
  await assert.rejects(
    fresh().getCompatibility(subject),
    restError(404, 40408, /does not have subject-level compatibility configured/),
  )
  assert.equal(await client.updateCompatibility(subject, 'FULL'), 'FULL')
  assert.equal(await fresh().getCompatibility(subject), 'FULL')
  // a compatible addition under FULL: an optional field with a default
  assert.equal(await client.testSubjectCompatibility(subject, avro(user2)), true)
  assert.deepEqual(await client.updateConfig(subject, { compatibility: 'NONE', normalize: true }), {
    compatibility: 'NONE',
    normalize: true,
  })
  assert.deepEqual(await fresh().getConfig(subject), { compatibilityLevel: 'NONE', normalize: true })
  assert.equal(await client.testSubjectCompatibility(subject, avro(breaking)), true)
  await assert.rejects(
    client.updateCompatibility(subject, 'SIDEWAYS'),
    restError(422, 42203, /^Invalid compatibility level/),
  )

  // the registry's default level, set and set back
  assert.equal(await client.updateDefaultCompatibility('FORWARD'), 'FORWARD')
  assert.equal(await fresh().getDefaultCompatibility(), 'FORWARD')
  assert.equal((await client.updateDefaultConfig({ compatibility: 'BACKWARD' })).compatibility, 'BACKWARD')
  assert.equal(await fresh().getDefaultCompatibility(), 'BACKWARD')
  await assert.rejects(
    client.updateDefaultCompatibility('SIDEWAYS'),
    restError(422, 42203, /^Invalid compatibility level/),
  )
})

test('client: refusals as the client reports them (409, 42201, 40401)', async () => {
  const subject = 'refused-value'
  await client.register(subject, avro(user2))
  const bad = { ...user2, fields: [...user2.fields, { name: 'age', type: 'int' }] }
  await assert.rejects(
    client.register(subject, avro(bad)),
    restError(
      409,
      409,
      /^Schema being registered is incompatible with an earlier schema for subject "refused-value"/,
    ),
  )
  await assert.rejects(
    client.register(subject, { schemaType: 'AVRO', schema: '{"type": "record"' }),
    restError(422, 42201, /^Invalid schema/),
  )
  await assert.rejects(
    client.register(subject, json({ type: 'object', properties: { a: { type: 7 } } })),
    restError(422, 42201),
  )
  assert.deepEqual(await fresh().getAllVersions(subject), [1])

  await assert.rejects(
    fresh().getLatestSchemaMetadata('nobody-value'),
    restError(404, 40401, /^Subject 'nobody-value' not found/),
  )
  await assert.rejects(fresh().getAllVersions('nobody-value'), restError(404, 40401))
  await assert.rejects(fresh().getSchemaMetadata(subject, 9), restError(404, 40402))
  await assert.rejects(fresh().getBySubjectAndId(subject, 987654), restError(404, 40403))
  await assert.rejects(client.deleteSubject('nobody-value'), restError(404, 40401))
})

test('client: deletes, soft and permanent', async () => {
  const subject = 'deleted-value'
  const id1 = await client.register(subject, avro(user1))
  await client.register(subject, avro(user2))

  // one version, soft then for good
  assert.equal(await client.deleteSubjectVersion(subject, 2), 2)
  assert.deepEqual(await fresh().getAllVersions(subject), [1])
  await assert.rejects(fresh().getSchemaMetadata(subject, 2), restError(404, 40402))
  assert.equal((await fresh().getSchemaMetadata(subject, 2, true)).version, 2)
  await assert.rejects(client.deleteSubjectVersion(subject, 2), restError(404, 40406))
  assert.equal(await client.deleteSubjectVersion(subject, 2, true), 2)
  await assert.rejects(fresh().getSchemaMetadata(subject, 2, true), restError(404, 40402))
  await assert.rejects(client.deleteSubjectVersion(subject, 1, true), restError(404, 40407))

  // the subject, soft then for good
  assert.deepEqual(await client.deleteSubject(subject), [1])
  assert.ok(!(await fresh().getAllSubjects()).includes(subject))
  await assert.rejects(fresh().getLatestSchemaMetadata(subject), restError(404, 40401))
  assert.equal((await fresh().getSchemaMetadata(subject, 1, true)).id, id1)
  await assert.rejects(client.deleteSubject(subject), restError(404, 40404))
  assert.deepEqual(await client.deleteSubject(subject, true), [1])
  await assert.rejects(client.deleteSubject(subject, true), restError(404, 40401))

  // registered again: a new version number, the same global id
  const again = await client.registerFullResponse(subject, avro(user1))
  assert.equal(again.id, id1)
  assert.deepEqual(await fresh().getAllVersions(subject), [3])
})

test('client: schema references (Avro, JSON Schema, Protobuf)', async () => {
  const address = {
    type: 'record',
    name: 'Address',
    namespace: 'com.acme',
    fields: [{ name: 'street', type: 'string' }],
  }
  await client.register('address-value', avro(address))
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
  const orderId = await client.register('order-value', { ...avro(order), references })
  assert.deepEqual(await fresh().getLatestSchemaMetadata('order-value'), {
    subject: 'order-value',
    version: 1,
    id: orderId,
    schema: JSON.stringify(order),
    references,
  })
  assert.deepEqual(await fresh().getBySubjectAndId('order-value', orderId), {
    schema: JSON.stringify(order),
    references,
  })
  assert.equal(await fresh().getId('order-value', { ...avro(order), references }), orderId)
  // the referenced version cannot go while a live schema uses it
  await assert.rejects(
    client.deleteSubjectVersion('address-value', 1),
    restError(422, 42206, /One or more references exist to the schema/),
  )
  // without its references the schema does not resolve
  await assert.rejects(client.register('order-value', avro(order)), restError(422, 42201))

  const point = { $id: 'point.json', type: 'object', properties: { x: { type: 'number' } } }
  await client.register('point-value', json(point))
  const shape = {
    type: 'object',
    properties: { at: { $ref: 'point.json' } },
    required: ['at'],
  }
  const shapeRefs = [{ name: 'point.json', subject: 'point-value', version: 1 }]
  const shapeId = await client.register('shape-value', { ...json(shape), references: shapeRefs })
  assert.deepEqual((await fresh().getSchemaMetadata('shape-value', 1)).references, shapeRefs)
  assert.equal(await fresh().getId('shape-value', { ...json(shape), references: shapeRefs }), shapeId)

  const geo = 'syntax = "proto3";\npackage acme.geo;\n\nmessage Point {\n  double lat = 1;\n}\n'
  await client.register('geo-value', { schemaType: 'PROTOBUF', schema: geo })
  const visit =
    'syntax = "proto3";\npackage acme.visits;\n\nimport "acme/geo/point.proto";\n\n' +
    'message Visit {\n  acme.geo.Point where = 1;\n}\n'
  const visitRefs = [{ name: 'acme/geo/point.proto', subject: 'geo-value', version: 1 }]
  const visitId = await client.register('visit-value', {
    schemaType: 'PROTOBUF',
    schema: visit,
    references: visitRefs,
  })
  assert.deepEqual(await fresh().getLatestSchemaMetadata('visit-value'), {
    subject: 'visit-value',
    version: 1,
    id: visitId,
    schemaType: 'PROTOBUF',
    schema: visit,
    references: visitRefs,
  })
})

test('avro serdes: auto-register, use.latest, a schema id, references; a fresh consumer', async () => {
  // auto.register.schemas: the serializer registers the schema it infers from the message
  const auto = new AvroSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true })
  const m1 = await auto.serialize('clicks', { page: '/home', count: 3 })
  assert.equal(m1[0], 0, 'magic byte')
  const clicks = await fresh().getLatestSchemaMetadata('clicks-value')
  assert.equal(m1.readInt32BE(1), clicks.id)
  const consumer = () => new AvroDeserializer(fresh(), SerdeType.VALUE, {})
  assert.deepEqual(plain(await consumer().deserialize('clicks', m1)), { page: '/home', count: 3 })

  // use.latest.version with auto-register off: the subject's latest version
  const id2 = await client.register('profile-value', avro(user2))
  const latest = new AvroSerializer(client, SerdeType.VALUE, { useLatestVersion: true })
  const m2 = await latest.serialize('profile', { id: 7, email: 'g@example.com' })
  assert.equal(m2.readInt32BE(1), id2)
  assert.deepEqual(plain(await consumer().deserialize('profile', m2)), { id: 7, email: 'g@example.com' })

  // use.schema.id: the schema fetched by id, then looked up under the subject
  const pinned = new AvroSerializer(client, SerdeType.VALUE, { useSchemaId: id2 })
  const m3 = await pinned.serialize('profile', { id: 8, email: null })
  assert.equal(m3.readInt32BE(1), id2)
  assert.deepEqual(plain(await consumer().deserialize('profile', m3)), { id: 8, email: null })

  // old data, new reader: use.latest.version on the consumer migrates v1 data to the latest
  const evolved = 'evolving-value'
  const v1 = await client.register(evolved, avro(user1))
  const old = await new AvroSerializer(client, SerdeType.VALUE, { useSchemaId: v1 }).serialize(
    'evolving',
    { id: 1 },
  )
  await client.register(evolved, avro(user2))
  const reader = new AvroDeserializer(fresh(), SerdeType.VALUE, { useLatestVersion: true })
  assert.deepEqual(plain(await reader.deserialize('evolving', old)), { id: 1, email: null })

  // references: the consumer fetches the referenced subject's version too
  await client.register('street-value', avro({
    type: 'record',
    name: 'Street',
    namespace: 'com.city',
    fields: [{ name: 'name', type: 'string' }],
  }))
  const home = {
    type: 'record',
    name: 'Home',
    namespace: 'com.city',
    fields: [{ name: 'street', type: 'Street' }],
  }
  const homeId = await client.register('home-value', {
    ...avro(home),
    references: [{ name: 'com.city.Street', subject: 'street-value', version: 1 }],
  })
  const m4 = await latest.serialize('home', { street: { name: 'Main' } })
  assert.equal(m4.readInt32BE(1), homeId)
  assert.deepEqual(plain(await consumer().deserialize('home', m4)), { street: { name: 'Main' } })

  // a message that does not fit the schema never leaves the producer
  await assert.rejects(latest.serialize('profile', { id: 'seven' }), /Invalid message/)
})

test('json schema serdes: auto-register, use.latest with validation, references', async () => {
  const auto = new JsonSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true })
  const m1 = await auto.serialize('events', { kind: 'login', at: 17 })
  assert.equal(m1.readInt32BE(1), (await fresh().getLatestSchemaMetadata('events-value')).id)
  const consumer = () => new JsonDeserializer(fresh(), SerdeType.VALUE, { validate: true })
  assert.deepEqual(await consumer().deserialize('events', m1), { kind: 'login', at: 17 })

  const order = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: { orderId: { type: 'string' }, amount: { type: 'number' } },
    required: ['orderId'],
  }
  const id = await client.register('orders-value', json(order))
  const latest = new JsonSerializer(client, SerdeType.VALUE, { useLatestVersion: true, validate: true })
  const m2 = await latest.serialize('orders', { orderId: 'o-1', amount: 12.5 })
  assert.equal(m2.readInt32BE(1), id)
  assert.deepEqual(await consumer().deserialize('orders', m2), { orderId: 'o-1', amount: 12.5 })
  await assert.rejects(latest.serialize('orders', { amount: 'twelve' }), /Invalid message/)

  // references: a $ref to another subject's schema, resolved by the producer and the consumer
  await client.register('money-value', json({
    $id: 'money.json',
    type: 'object',
    properties: { cents: { type: 'integer' } },
    required: ['cents'],
  }))
  const refId = await client.register('invoice-value', {
    ...json({ type: 'object', properties: { total: { $ref: 'money.json' } }, required: ['total'] }),
    references: [{ name: 'money.json', subject: 'money-value', version: 1 }],
  })
  const m3 = await latest.serialize('invoice', { total: { cents: 1250 } })
  assert.equal(m3.readInt32BE(1), refId)
  assert.deepEqual(await consumer().deserialize('invoice', m3), { total: { cents: 1250 } })
  await assert.rejects(latest.serialize('invoice', { total: { cents: 'x' } }), /Invalid message/)
})

// A message type built at run time (no generated code): acme.pay.Paid in acme/pay.proto.
function paidType() {
  const file = create(FileDescriptorProtoSchema, {
    name: 'acme/pay.proto',
    package: 'acme.pay',
    syntax: 'proto3',
    messageType: [
      {
        name: 'Paid',
        field: [
          { name: 'id', number: 1, type: 9, label: 1, jsonName: 'id' }, // string
          { name: 'cents', number: 2, type: 3, label: 1, jsonName: 'cents' }, // int64
        ],
      },
    ],
  })
  const registry = createFileRegistry(file, () => undefined)
  return { registry, desc: registry.getMessage('acme.pay.Paid') }
}
const paidProto = 'syntax = "proto3";\npackage acme.pay;\n\nmessage Paid {\n  string id = 1;\n  int64 cents = 2;\n}\n'

test('protobuf serializer: use.latest against a .proto registered as text', async () => {
  const { registry, desc } = paidType()
  const id = await client.register('paid-value', { schemaType: 'PROTOBUF', schema: paidProto })
  const ser = new ProtobufSerializer(client, SerdeType.VALUE, { useLatestVersion: true, registry })
  const m = await ser.serialize('paid', create(desc, { id: 'p-1', cents: 1250n }))
  assert.equal(m[0], 0)
  assert.equal(m.readInt32BE(1), id)
  assert.equal(m[5], 0, 'message index [0], written as a single 0')
})

test('protobuf deserializer: a fresh consumer decodes', async () => {
  const { registry, desc } = paidType()
  await client.register('paid2-value', { schemaType: 'PROTOBUF', schema: paidProto })
  const ser = new ProtobufSerializer(client, SerdeType.VALUE, { useLatestVersion: true, registry })
  const m = await ser.serialize('paid2', create(desc, { id: 'p-2', cents: 99n }))
  // the consumer fetches the schema by id with ?format=serialized: a base64 FileDescriptorProto
  const back = await new ProtobufDeserializer(fresh(), SerdeType.VALUE, {}).deserialize('paid2', m)
  assert.equal(back.id, 'p-2')
  assert.equal(back.cents, 99n)
  const raw = await fresh().getBySubjectAndId('paid2-value', m.readInt32BE(1), 'serialized')
  assert.match(raw.schema, /^[A-Za-z0-9+/]+=*$/)
})

test('protobuf serializer: auto-register', async () => {
  const { registry, desc } = paidType()
  const ser = new ProtobufSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true, registry })
  const m = await ser.serialize('paid3', create(desc, { id: 'p-3', cents: 1n }))
  const meta = await fresh().getLatestSchemaMetadata('paid3-value')
  assert.equal(m.readInt32BE(1), meta.id)
  // the descriptor is the schema registered as text before: one id, kept as .proto text
  const textId = await client.register('paid-value', { schemaType: 'PROTOBUF', schema: paidProto })
  assert.equal(meta.id, textId)
  assert.equal(meta.schemaType, 'PROTOBUF')
  assert.match(meta.schema, /message Paid \{/)
  const back = await new ProtobufDeserializer(fresh(), SerdeType.VALUE, {}).deserialize('paid3', m)
  assert.equal(back.id, 'p-3')
  assert.equal(back.cents, 1n)
})

test('protobuf serdes: a dependency registered and resolved as a reference', async () => {
  const geo = create(FileDescriptorProtoSchema, {
    name: 'acme/geo.proto',
    package: 'acme.geo',
    syntax: 'proto3',
    messageType: [{ name: 'Point', field: [{ name: 'lat', number: 1, type: 1, label: 1, jsonName: 'lat' }] }],
  })
  const visit = create(FileDescriptorProtoSchema, {
    name: 'acme/visit.proto',
    package: 'acme.visits',
    syntax: 'proto3',
    dependency: ['acme/geo.proto'],
    messageType: [
      {
        name: 'Visit',
        field: [
          { name: 'where', number: 1, type: 11, label: 1, typeName: '.acme.geo.Point', jsonName: 'where' },
          { name: 'kind', number: 2, type: 14, label: 1, typeName: '.acme.visits.Kind', jsonName: 'kind' },
        ],
      },
    ],
    enumType: [{ name: 'Kind', value: [{ name: 'KIND_UNSPECIFIED', number: 0 }, { name: 'HOME', number: 1 }] }],
  })
  const registry = createFileRegistry(visit, name => (name === 'acme/geo.proto' ? geo : undefined))
  const desc = registry.getMessage('acme.visits.Visit')
  const ser = new ProtobufSerializer(client, SerdeType.VALUE, { autoRegisterSchemas: true, registry })
  const m = await ser.serialize('visits', create(desc, { where: { lat: 52.5 }, kind: 1 }))
  const meta = await fresh().getLatestSchemaMetadata('visits-value')
  assert.equal(m.readInt32BE(1), meta.id)
  // the dependency went in first, under its file name as the subject, and is the reference
  assert.deepEqual(meta.references, [{ name: 'acme/geo.proto', subject: 'acme/geo.proto', version: 1 }])
  assert.match(meta.schema, /import "acme\/geo.proto";/)
  assert.match(meta.schema, /acme\.geo\.Point where = 1;/)
  const back = await new ProtobufDeserializer(fresh(), SerdeType.VALUE, {}).deserialize('visits', m)
  assert.equal(back.where.lat, 52.5)
  assert.equal(back.kind, 1)
})

test('auth: Bearer tokens, a wrong token and no credentials', async () => {
  const bearer = new SchemaRegistryClient({
    baseURLs: [url],
    bearerAuthCredentials: {
      credentialsSource: 'STATIC_TOKEN',
      token,
      logicalCluster: 'lsrc-driveway',
      identityPoolId: 'pool-driveway',
    },
    maxRetries: 0,
  })
  const id = await bearer.register('bearer-value', avro(user1))
  assert.equal(await fresh().getId('bearer-value', avro(user1)), id)

  const stranger = new SchemaRegistryClient({
    baseURLs: [url],
    basicAuthCredentials: { credentialsSource: 'USER_INFO', userInfo: `ci:dw_${'x'.repeat(43)}` },
    maxRetries: 0,
  })
  await assert.rejects(stranger.register('stranger-value', avro(user1)), restError(401, 40101))
  await assert.rejects(fresh().register('stranger-value', avro(user1)), restError(401, 40101))
  await assert.rejects(fresh().deleteSubject('bearer-value'), restError(401, 40101))
  await assert.rejects(fresh().updateCompatibility('bearer-value', 'FULL'), restError(401, 40101))
})
