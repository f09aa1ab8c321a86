// Outgoing https from the authorization server: only the call that tells the homeserver about an
// approval. The example's names under `.example.test` resolve to 127.0.0.1 here, in this client,
// as every part of the example does it (the machine's resolver is never changed), and the only
// trusted root is the test CA given with --certs.

import https from 'node:https';

import { exampleLookup } from '../../../tls/local.mjs';

const RESPONSE_LIMIT = 64 * 1024;

/**
 * POSTs `body` as JSON to `url` over https, trusting only `ca`. Resolves to
 * `{ status, body }` (the body as text, at most 64 KiB); rejects on a network or TLS error or
 * after `timeoutMs`.
 */
export function postJson(url, { ca, headers = {}, body, timeoutMs = 5000 }) {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const request = https.request(url, {
      method: 'POST',
      ca,
      lookup: exampleLookup,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': payload.length },
      timeout: timeoutMs,
    }, (response) => {
      const chunks = [];
      let size = 0;
      response.on('data', (chunk) => {
        size += chunk.length;
        if (size > RESPONSE_LIMIT) {
          response.destroy(new Error(`the response from ${url} is larger than ${RESPONSE_LIMIT} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => resolve({ status: response.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer from ${url} within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(payload);
  });
}
