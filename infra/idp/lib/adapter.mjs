// In-memory storage adapter for oidc-provider, one store per realm.
//
// oidc-provider ships a quick-start memory adapter whose storage is shared by every
// Provider in the process. Each realm here gets its own store instead, and the store
// outlives the Provider object, so a development key rotation (which builds a new
// Provider for the realm) keeps sessions, grants and issued codes/tokens.
// Everything is lost when the process stops: development and tests only.

const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

export function createRealmStore() {
  /** key -> { payload, expiresAt } */
  const items = new Map();
  /** grantId -> Set of keys */
  const grants = new Map();
  /** secondary indexes: sessionUid:x / userCode:x -> id */
  const indexes = new Map();

  const now = () => Date.now();

  function get(key) {
    const item = items.get(key);
    if (!item) return undefined;
    if (item.expiresAt !== undefined && item.expiresAt <= now()) {
      items.delete(key);
      return undefined;
    }
    return item.payload;
  }

  function sweep() {
    const t = now();
    for (const [key, item] of items) {
      if (item.expiresAt !== undefined && item.expiresAt <= t) items.delete(key);
    }
  }
  // Keep memory bounded in long-running dev servers.
  const timer = setInterval(sweep, 60_000);
  timer.unref();

  class RealmAdapter {
    constructor(model) {
      this.model = model;
    }

    key(id) {
      return `${this.model}:${id}`;
    }

    async upsert(id, payload, expiresIn) {
      const key = this.key(id);
      const expiresAt = typeof expiresIn === 'number' ? now() + expiresIn * 1000 : undefined;
      items.set(key, { payload, expiresAt });
      if (this.model === 'Session' && payload.uid) indexes.set(`sessionUid:${payload.uid}`, id);
      if (payload.userCode) indexes.set(`userCode:${payload.userCode}`, id);
      if (GRANTABLE.has(this.model) && payload.grantId) {
        if (!grants.has(payload.grantId)) grants.set(payload.grantId, new Set());
        grants.get(payload.grantId).add(key);
      }
    }

    async find(id) {
      return get(this.key(id));
    }

    async findByUid(uid) {
      const id = indexes.get(`sessionUid:${uid}`);
      return id === undefined ? undefined : this.find(id);
    }

    async findByUserCode(userCode) {
      const id = indexes.get(`userCode:${userCode}`);
      return id === undefined ? undefined : this.find(id);
    }

    async consume(id) {
      const payload = get(this.key(id));
      if (payload) payload.consumed = Math.floor(now() / 1000);
    }

    async destroy(id) {
      items.delete(this.key(id));
    }

    async revokeByGrantId(grantId) {
      const keys = grants.get(grantId);
      if (keys) for (const key of keys) items.delete(key);
      grants.delete(grantId);
    }
  }

  return RealmAdapter;
}
