// Writes objects and references with Temporal's own TypeScript S3 External
// Storage driver (the SDK's ExternalStorageRunner, the code path workers and
// clients use) into an S3 bucket, for claimcheck to find, verify and
// retrieve. Run by test_npm_interop.py with the packages of package.json.
//
// Environment: S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION, BUCKET,
// OUT (a folder). Writes OUT/result.json:
//   {"payloads": [{"name", "encoding", "data_file", "reference", "tampered",
//                  "inline"}...], "history": {...}, "versions": {...}}
// and OUT/<name>.data (the original payload's data bytes).
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
const { S3Client, GetObjectCommand, PutObjectCommand } = require('@aws-sdk/client-s3');
const { S3StorageDriver } = require('@temporalio/external-storage-s3');
const { AwsSdkS3StorageDriverClient } = require('@temporalio/external-storage-s3-aws-sdk');
const { defaultPayloadConverter, ExternalStorage } = require('@temporalio/common');
const { ExternalStorageRunner } = require('@temporalio/common/lib/internal-non-workflow/external-storage-runner');
const proto = require('@temporalio/proto');

const Payload = proto.temporal.api.common.v1.Payload;
const History = proto.temporal.api.history.v1.History;
const OUT = process.env.OUT;
const BUCKET = process.env.BUCKET;

const s3 = new S3Client({
  endpoint: process.env.S3_ENDPOINT,
  region: process.env.S3_REGION || 'us-east-1',
  forcePathStyle: true,
  credentials: { accessKeyId: process.env.S3_ACCESS_KEY, secretAccessKey: process.env.S3_SECRET_KEY },
});

function pseudoRandom(size, seed) {
  const out = Buffer.alloc(size);
  for (let offset = 0, i = 0; offset < size; i++)
    offset += crypto.createHash('sha256').update(`${seed}:${i}`).digest().copy(out, offset);
  return out;
}

function document(kind, bytes) {
  const rows = [];
  while (JSON.stringify(rows).length < bytes) rows.push({ id: rows.length, kind, note: `row ${rows.length} of the ${kind} interop document` });
  return { kind, rows };
}

function version(pkg) {
  return require(`${pkg}/package.json`).version;
}

async function main() {
  const runner = new ExternalStorageRunner(new ExternalStorage({
    drivers: [new S3StorageDriver({ client: new AwsSdkS3StorageDriverClient(s3), bucket: BUCKET })],
    payloadSizeThreshold: 4096,
  }));
  // The SDK has no zlib codec in TypeScript: this payload is what Go's and
  // Python's ZlibCodec write, zlib over the SDK's own serialised Payload.
  const zipped = defaultPayloadConverter.toPayload(document('zlib-coded', 200 * 1024));
  const payloads = [
    { name: 'json', payload: defaultPayloadConverter.toPayload(document('json', 300 * 1024)) },
    { name: 'binary', payload: defaultPayloadConverter.toPayload(new Uint8Array(pseudoRandom(100 * 1024, 'binary'))) },
    { name: 'zlib', inner: zipped, payload: {
      metadata: { encoding: Buffer.from('binary/zlib') },
      data: zlib.deflateSync(Buffer.from(Payload.encode(zipped).finish())) } },
    { name: 'small', payload: defaultPayloadConverter.toPayload({ small: 'stays inline' }) },
    { name: 'tampered', payload: defaultPayloadConverter.toPayload(document('tampered', 60 * 1024)) },
  ];
  const target = { kind: 'workflow', namespace: 'default', type: 'NpmInteropWorkflow', id: 'npm interop/1',
                   runId: crypto.randomUUID() };
  const references = await runner.store(payloads.map((p) => p.payload), { target });

  // Round trip through the SDK first: the references are genuine.
  const back = await runner.retrieve(references);
  back.forEach((payload, i) => {
    const same = Buffer.from(Payload.encode(payload).finish()).equals(Buffer.from(Payload.encode(payloads[i].payload).finish()));
    if (!same) throw new Error(`SDK round trip changed ${payloads[i].name}`);
  });

  const result = { payloads: [], versions: {} };
  for (const pkg of ['@temporalio/external-storage-s3', '@temporalio/external-storage-s3-aws-sdk',
                     '@temporalio/common', '@temporalio/proto', '@aws-sdk/client-s3'])
    result.versions[pkg] = version(pkg);
  references.forEach((ref, i) => {
    const p = payloads[i];
    const original = p.inner || p.payload;  // for zlib: the payload inside
    const dataFile = path.join(OUT, `${p.name}.data`);
    fs.writeFileSync(dataFile, Buffer.from(original.data));
    result.payloads.push({
      name: p.name,
      encoding: Buffer.from(original.metadata.encoding).toString(),
      stored_encoding: Buffer.from(p.payload.metadata.encoding).toString(),
      data_file: dataFile,
      inline: ref === p.payload || !(ref.externalPayloads && ref.externalPayloads.length),
      tampered: p.name === 'tampered',
      // proto JSON as a history export holds it (base64 bytes, int64 as a string)
      reference: Payload.decode(Payload.encode(ref).finish()).toJSON(),
    });
  });
  const events = [{
    eventId: 7,
    eventType: proto.temporal.api.enums.v1.EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
    activityTaskCompletedEventAttributes: { result: { payloads: references }, scheduledEventId: 5 },
  }];
  result.history = { events: History.decode(History.encode(History.fromObject({ events })).finish()).toJSON().events };

  // Tamper with one object after writing: same size, one bit flipped.
  const tampered = JSON.parse(Buffer.from(references[4].data).toString()).claimData.key;
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: tampered }));
  const body = Buffer.from(await object.Body.transformToByteArray());
  body[body.length - 10] ^= 0x01;
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: tampered, Body: body }));

  fs.writeFileSync(path.join(OUT, 'result.json'), JSON.stringify(result));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
