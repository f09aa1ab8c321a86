// The provider's storage: every model (sessions, grants, codes, tokens, registered clients) in
// this process's memory, gone when it stops.
//
// oidc-provider ships a development adapter, but it is a 1,000-entry LRU: past that it silently
// forgets live tokens and clients, and it cannot list a user's tokens. This one keeps every entry
// until it expires (expired entries are swept every minute) and can list the access and refresh
// tokens of one account, which the account page needs for its device list and "sign out".

const GRANTABLE = new Set(['AccessToken', 'AuthorizationCode', 'RefreshToken', 'DeviceCode', 'BackchannelAuthenticationRequest']);
const TOKENS = new Set(['AccessToken', 'RefreshToken']);
const SWEEP_MS = 60_000;

export class MemoryStore {
  /** `model:id` → { model, id, payload, expiresAt (ms, Infinity when the model does not expire) } */
  #entries = new Map();
  /** Session uid → session id. */
  #sessionUids = new Map();
  /** Device flow user code → device code id. */
  #userCodes = new Map();
  /** Grant id → keys of the codes and tokens issued under it (for revokeByGrantId). */
  #grants = new Map();
  #timer;

  constructor() {
    this.#timer = setInterval(() => this.sweep(), SWEEP_MS);
    this.#timer.unref();
  }

  /** The adapter oidc-provider calls for one model (its `adapter` option is a factory of these). */
  adapterFor(model) {
    return {
      upsert: async (id, payload, expiresIn) => this.#upsert(model, id, payload, expiresIn),
      find: async (id) => this.#live(`${model}:${id}`)?.payload,
      findByUid: async (uid) => {
        const id = this.#sessionUids.get(uid);
        return id === undefined ? undefined : this.#live(`${model}:${id}`)?.payload;
      },
      findByUserCode: async (userCode) => {
        const id = this.#userCodes.get(userCode);
        return id === undefined ? undefined : this.#live(`${model}:${id}`)?.payload;
      },
      consume: async (id) => {
        const entry = this.#live(`${model}:${id}`);
        if (entry) entry.payload.consumed = Math.floor(Date.now() / 1000);
      },
      destroy: async (id) => this.#delete(`${model}:${id}`),
      // Called once per grantable model: removes that model's entries under the grant.
      revokeByGrantId: async (grantId) => {
        for (const key of [...(this.#grants.get(grantId) ?? [])]) {
          if (key.startsWith(`${model}:`)) this.#delete(key);
        }
      },
    };
  }

  /** The live access and refresh tokens of `accountId`: [{ model, id, payload }]. */
  tokensOf(accountId) {
    const found = [];
    for (const [key, entry] of this.#entries) {
      if (TOKENS.has(entry.model) && entry.payload.accountId === accountId && this.#live(key)) {
        found.push({ model: entry.model, id: entry.id, payload: entry.payload });
      }
    }
    return found;
  }

  /** Removes one entry (and its indexes). */
  destroy(model, id) {
    this.#delete(`${model}:${id}`);
  }

  /** Drops every expired entry. */
  sweep() {
    const now = Date.now();
    for (const [key, entry] of this.#entries) {
      if (entry.expiresAt <= now) this.#delete(key);
    }
  }

  close() {
    clearInterval(this.#timer);
  }

  #upsert(model, id, payload, expiresIn) {
    const key = `${model}:${id}`;
    this.#delete(key);
    const expiresAt = typeof expiresIn === 'number' ? Date.now() + expiresIn * 1000 : Infinity;
    this.#entries.set(key, { model, id, payload, expiresAt });
    if (model === 'Session' && payload.uid) this.#sessionUids.set(payload.uid, id);
    if (payload.userCode) this.#userCodes.set(payload.userCode, id);
    if (GRANTABLE.has(model) && payload.grantId) {
      if (!this.#grants.has(payload.grantId)) this.#grants.set(payload.grantId, new Set());
      this.#grants.get(payload.grantId).add(key);
    }
  }

  /** The entry at `key` unless it has expired (an expired one is removed on the way). */
  #live(key) {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.#delete(key);
      return undefined;
    }
    return entry;
  }

  #delete(key) {
    const entry = this.#entries.get(key);
    if (!entry) return;
    this.#entries.delete(key);
    const { payload, id } = entry;
    if (payload.uid && this.#sessionUids.get(payload.uid) === id) this.#sessionUids.delete(payload.uid);
    if (payload.userCode && this.#userCodes.get(payload.userCode) === id) this.#userCodes.delete(payload.userCode);
    if (payload.grantId) {
      const members = this.#grants.get(payload.grantId);
      members?.delete(key);
      if (members?.size === 0) this.#grants.delete(payload.grantId);
    }
  }
}
