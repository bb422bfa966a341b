import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { FakeArchive, FakeAsset } from './fake-github-server.ts';

/** Streams a source archive like codeload: gzip type, content-length, optional throttling or a drop. */
export async function sendArchive(
  response: ServerResponse,
  archive: FakeArchive,
  fileName: string,
): Promise<void> {
  const size = typeof archive.body === 'string' ? (await stat(archive.body)).size : archive.body.length;
  response.writeHead(200, {
    'content-type': 'application/x-gzip',
    'content-length': String(size),
    'content-disposition': `attachment; filename=${fileName}`,
  });
  if (archive.throttleBytesPerSecond === undefined && archive.dropAfterBytes === undefined) {
    if (Buffer.isBuffer(archive.body)) return void response.end(archive.body);
    return pipeline(createReadStream(archive.body), response).catch(ignoreClientGone);
  }
  const completed = await writeChunks(response, shapedChunks(archive));
  // Ending the response would let the client wait for the missing bytes; closing the socket (after it
  // flushed what was written) is a real drop.
  if (archive.dropAfterBytes !== undefined) response.socket?.end();
  else if (completed) response.end();
}

/** Writes with backpressure; false when the client went away first. */
async function writeChunks(response: ServerResponse, chunks: AsyncIterable<Buffer>): Promise<boolean> {
  for await (const chunk of chunks) {
    if (response.destroyed) return false;
    if (!response.write(chunk)) await drainedOrClosed(response);
  }
  return !response.destroyed;
}

function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

function ignoreClientGone(): void {
  // The client went away (an aborted download); there is nothing more to send.
}

async function* shapedChunks(archive: FakeArchive): AsyncGenerator<Buffer> {
  const rate = archive.throttleBytesPerSecond;
  // Small chunks keep a throttled stream smooth: about twenty writes a second.
  const chunkSize = rate === undefined ? 64 * 1024 : Math.max(Math.floor(rate / 20), 1);
  const source =
    typeof archive.body === 'string'
      ? createReadStream(archive.body, { highWaterMark: chunkSize })
      : Readable.from(splitBuffer(archive.body, chunkSize));
  let remaining = archive.dropAfterBytes ?? Number.POSITIVE_INFINITY;
  for await (const chunk of source as AsyncIterable<Buffer>) {
    const piece = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
    remaining -= piece.length;
    if (piece.length > 0) yield piece;
    if (remaining <= 0) return;
    if (rate !== undefined) await delay((piece.length / rate) * 1000);
  }
}

function* splitBuffer(buffer: Buffer, chunkSize: number): Generator<Buffer> {
  for (let offset = 0; offset < buffer.length; offset += chunkSize)
    yield buffer.subarray(offset, offset + chunkSize);
}

/** Streams a release asset: a Buffer with content-length, a stream chunked. */
export async function sendAssetBody(response: ServerResponse, asset: Pick<FakeAsset, 'body'>): Promise<void> {
  if (Buffer.isBuffer(asset.body)) {
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': String(asset.body.length),
    });
    return void response.end(asset.body);
  }
  response.writeHead(200, { 'content-type': 'application/octet-stream' });
  const source = asset.body();
  const readable = source instanceof Readable ? source : Readable.from(source as AsyncIterable<Uint8Array>);
  await pipeline(readable, response).catch(ignoreClientGone);
}
