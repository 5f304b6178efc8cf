import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listingFingerprint, preflight } from './preflight.js';

let url = '';
const seen: { path: string; auth: string | undefined }[] = [];
const server = createServer((req, res) => {
  seen.push({ path: req.url ?? '', auth: req.headers.authorization });
  res.statusCode = req.headers.authorization === 'Bearer bad' ? 401 : req.url === '/v1/models' ? 200 : 404;
  res.end(req.url === '/v1/models' ? JSON.stringify({ object: 'list', data: [{ id: 'm1', created: 1 }, 'junk', { id: 2 }] }) : '{}');
});

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('preflight', () => {
  it('asks GET <baseURL>/models once per provider, with its key', async () => {
    const listings = await preflight([{ name: 'a', baseURL: url, apiKey: 'good' }]);
    expect(seen.at(-1)).toEqual({ path: '/v1/models', auth: 'Bearer good' });
    // Entries without a string id are dropped.
    expect(listings.get('a')).toEqual([{ id: 'm1', created: 1 }]);
  });

  it('a server without /models (404) is reachable', async () => {
    await expect(preflight([{ name: 'a', baseURL: `${url}/other` }])).resolves.toEqual(new Map([['a', null]]));
  });

  it('refuses a rejected key and a server that is not listening, naming the provider', async () => {
    await expect(preflight([{ name: 'srv', baseURL: url, apiKey: 'bad' }])).rejects.toThrow(/provider "srv" at .* rejected the API key \(HTTP 401\)/);
    // A port nothing listens on any more.
    const spare = createServer();
    await new Promise<void>((r) => spare.listen(0, '127.0.0.1', r));
    const port = (spare.address() as AddressInfo).port;
    await new Promise<void>((r) => spare.close(() => r()));
    await expect(preflight([{ name: 'down', baseURL: `http://127.0.0.1:${port}/v1` }])).rejects.toThrow(/provider "down" at http:\/\/127\.0\.0\.1:\d+\/v1 is not reachable \(ECONNREFUSED\)/);
  });

  it('listingFingerprint: the model\'s entry, or a one-model server\'s only entry, without `created`', () => {
    const a = [{ id: 'm1', owned_by: 'x', created: 1 }, { id: 'm2', owned_by: 'x' }];
    expect(listingFingerprint(a, 'm1')).toMatch(/^[0-9a-f]{16}$/);
    expect(listingFingerprint(a, 'm1')).toBe(listingFingerprint([{ id: 'm1', owned_by: 'x', created: 99 }], 'm1'));
    expect(listingFingerprint(a, 'm1')).not.toBe(listingFingerprint(a, 'm2'));
    expect(listingFingerprint(a, 'other')).toBeNull(); // several models, none configured: cannot say
    const one = [{ id: '/models/llama-a.gguf', meta: { n_params: 1 } }];
    expect(listingFingerprint(one, 'default')).not.toBeNull();
    expect(listingFingerprint(one, 'default')).not.toBe(listingFingerprint([{ id: '/models/llama-a.gguf', meta: { n_params: 2 } }], 'default'));
    expect(listingFingerprint(null, 'm1')).toBeNull();
  });
});
