#!/usr/bin/env node
// A Matrix authorization server: oidc-provider (a certified OpenID Provider) with the matrix-authz
// engine (the npm package from bindings-wasm/pkg, `mas` preset) as its policy.
//
//   node server.mjs --port P --certs DIR --homeserver https://matrix.example.test:HSPORT \
//     --internal-secret S --introspection-secret S2 [--issuer URL]
//
// Serves https on 127.0.0.1:P with DIR/auth.example.test.{pem,key} (examples/tls/make-certs.sh
// DIR); the issuer is https://auth.example.test:P/ unless --issuer says otherwise. `--port 0`
// takes a free port. When ready it prints one line on stdout: `listening on ISSUER` (everything
// else goes to stderr). All state (clients, sessions, tokens) lives in memory.
//
// What it offers: dynamic client registration (RFC 7591) checked by the engine; the authorization
// code grant with PKCE S256, refresh tokens and the device authorization grant (RFC 8628), each
// scope decided by the engine's grant.decide; devInteractions login and consent pages (any login
// name that is a Matrix localpart signs in, no password check: it is a demo); introspection
// (RFC 7662) for the homeserver's confidential client `homeserver` only; revocation (RFC 7009);
// and the account-management page of MSC4191 (lib/account.mjs). lib/policy.mjs says where each
// decision is made.

import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

// oidc-provider prints notices with console.info (stdout); stdout carries only the ready line.
console.info = (...args) => console.error(...args);

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ENGINE = path.resolve(HERE, '../../../bindings-wasm/pkg/node.mjs');

function usage(message) {
  console.error(`server.mjs: ${message}
usage: node server.mjs --port P --certs DIR --homeserver URL --internal-secret S --introspection-secret S2 [--issuer URL]`);
  process.exit(2);
}

function readArgs() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: process.env.AUTH_PORT ?? '8443' },
        certs: { type: 'string' },
        homeserver: { type: 'string', default: 'https://matrix.example.test:8448' },
        'internal-secret': { type: 'string' },
        'introspection-secret': { type: 'string' },
        issuer: { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    usage(error.message);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`--port: not a port number: ${values.port}`);
  if (!values.certs) usage('--certs DIR is required (make it with examples/tls/make-certs.sh DIR)');
  for (const name of ['internal-secret', 'introspection-secret']) {
    if (!values[name]) usage(`--${name} is required`);
    // Fail closed on secrets an attacker could guess.
    if (values[name].length < 16) usage(`--${name} must be at least 16 characters`);
  }
  let homeserver;
  try {
    homeserver = new URL(values.homeserver);
  } catch {
    usage(`--homeserver: not a URL: ${values.homeserver}`);
  }
  if (homeserver.protocol !== 'https:') usage('--homeserver must be an https URL');
  if (values.issuer !== undefined) {
    let issuer;
    try {
      issuer = new URL(values.issuer);
    } catch {
      usage(`--issuer: not a URL: ${values.issuer}`);
    }
    if (issuer.protocol !== 'https:' || !issuer.pathname.endsWith('/') || issuer.search || issuer.hash) {
      usage('--issuer must be an https URL ending in / without query or fragment');
    }
  }
  return {
    port,
    certs: values.certs,
    homeserver: homeserver.href.replace(/\/$/, ''),
    serverName: homeserver.hostname,
    internalSecret: values['internal-secret'],
    introspectionSecret: values['introspection-secret'],
    issuer: values.issuer,
  };
}

async function loadEngine() {
  try {
    return await import(ENGINE);
  } catch (error) {
    console.error(`server.mjs: cannot load the engine's npm package at ${ENGINE} (${error.message});
build it with: bash bindings-wasm/build.sh`);
    process.exit(1);
  }
}

function readCerts(dir) {
  const read = (name) => {
    try {
      return fs.readFileSync(path.join(dir, name));
    } catch (error) {
      console.error(`server.mjs: ${error.message} (make the certificates with examples/tls/make-certs.sh ${dir})`);
      process.exit(1);
    }
  };
  return { cert: read('auth.example.test.pem'), key: read('auth.example.test.key'), ca: read('ca.pem') };
}

async function main() {
  const args = readArgs();
  const certs = readCerts(args.certs);
  const engine = await loadEngine();
  const { default: Provider, errors, interactionPolicy } = await import('oidc-provider');
  const { createMatrixPolicy } = await import('./lib/policy.mjs');
  const { MemoryStore } = await import('./lib/store.mjs');
  const { accountPages } = await import('./lib/account.mjs');
  const { configure } = await import('./lib/configuration.mjs');

  // Listen first (a --port 0 port is known only then); requests before the provider exists fail.
  let handler = (req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = https.createServer({ cert: certs.cert, key: certs.key }, (req, res) => handler(req, res));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(args.port, '127.0.0.1', resolve);
  });
  const port = server.address().port;
  const issuer = args.issuer ?? `https://auth.example.test:${port}/`;

  const store = new MemoryStore();
  const policy = createMatrixPolicy({ engine, errors });
  const configuration = configure({ issuer, args, store, policy, errors, interactionPolicy });
  const provider = new Provider(issuer, configuration);
  // TLS ends in this process: no proxy in front, so X-Forwarded-* headers are not trusted.
  provider.proxy = false;
  provider.on('server_error', (ctx, error) => console.error('server_error:', error));

  provider.use(registrationCors);
  provider.use(accountPages({
    provider,
    store,
    policy,
    issuer,
    homeserver: args.homeserver,
    serverName: args.serverName,
    internalSecret: args.internalSecret,
    ca: certs.ca,
  }));

  handler = provider.callback();

  const stop = () => {
    store.close();
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  process.stdout.write(`listening on ${issuer}\n`);
}

/**
 * CORS for dynamic client registration: a web client registers itself from its own page
 * (another origin), so the registration endpoint answers any origin, without credentials, as
 * MAS does. The provider itself answers CORS on the token, revocation and device endpoints.
 */
async function registrationCors(ctx, next) {
  if (ctx.path !== '/reg') return next();
  if (ctx.get('origin')) ctx.set('access-control-allow-origin', '*');
  if (ctx.method === 'OPTIONS') {
    ctx.set('access-control-allow-methods', 'POST');
    ctx.set('access-control-allow-headers', 'content-type');
    ctx.set('access-control-max-age', '3600');
    ctx.status = 204;
    return undefined;
  }
  return next();
}

main().catch((error) => {
  console.error('server.mjs:', error);
  process.exit(1);
});
