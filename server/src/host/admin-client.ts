/**
 * The host's admin API (docs/protocol.md §1) as typed calls: register, read and erase groups.
 * A refusal throws `AdminApiError` with the relay's `code`, `field` and message.
 */

export interface HostMember {
  id: string | number;
  name: string;
}

export interface HostGroup {
  name: string;
  /** When the names appear: an ISO 8601 string with a zone, or a Date. */
  revealAt: string | Date;
  members: HostMember[];
  /** Empty until the raffle: then every santa -> giftee pair. */
  assignments: { santa: string | number; giftee: string | number }[];
}

/** A group as the relay stores it: ids as strings, `revealAt` as ISO 8601. */
export interface StoredGroup {
  id: string;
  name: string;
  revealAt: string;
  members: { id: string; name: string }[];
  assignments: { santa: string; giftee: string }[];
}

export class AdminApiError extends Error {
  readonly status: number;
  /** The relay's `error.code`, e.g. `BAD_REQUEST`, `UNAUTHENTICATED`, `NOT_FOUND`; `NETWORK` when it was not reached. */
  readonly code: string;
  /** The field the relay named, e.g. `assignments[2].giftee`. */
  readonly field: string | undefined;

  constructor(status: number, code: string, message: string, field?: string) {
    super(message);
    this.name = 'AdminApiError';
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export interface AdminClientOptions {
  /** The relay's origin, e.g. `https://chat.example.org`. */
  url: string;
  /** `SANTA_CHAT_ADMIN_TOKEN`. */
  adminToken: string;
  /** Default: the global `fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
}

export interface AdminClient {
  /** Creates or replaces the group; `created` tells which. */
  putGroup(groupId: string, group: HostGroup): Promise<{ group: StoredGroup; created: boolean }>;
  /** `null` when there is no such group. */
  getGroup(groupId: string): Promise<StoredGroup | null>;
  /** Erases the group with every conversation and message; `false` when there was none. */
  deleteGroup(groupId: string): Promise<boolean>;
}

export function createAdminClient(options: AdminClientOptions): AdminClient {
  const base = options.url.replace(/\/+$/, '');
  const send = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));

  async function call(method: string, groupId: string, body?: unknown): Promise<Response> {
    const init: RequestInit = {
      method,
      headers: { authorization: `Bearer ${options.adminToken}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    };
    try {
      return await send(`${base}/admin/groups/${encodeURIComponent(groupId)}`, init);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new AdminApiError(0, 'NETWORK', `The relay at ${base} could not be reached: ${reason}`);
    }
  }

  return {
    async putGroup(groupId, group) {
      const revealAt = group.revealAt instanceof Date ? group.revealAt.toISOString() : group.revealAt;
      const response = await call('PUT', groupId, { ...group, revealAt });
      const body = await readBody(response);
      return { group: (body as { group: StoredGroup }).group, created: response.status === 201 };
    },
    async getGroup(groupId) {
      const response = await call('GET', groupId);
      if (response.status === 404) return null;
      return ((await readBody(response)) as { group: StoredGroup }).group;
    },
    async deleteGroup(groupId) {
      const response = await call('DELETE', groupId);
      if (response.status === 404) return false;
      await readBody(response);
      return true;
    },
  };
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (response.ok) return body;
  const error = (body as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
  if (error?.code !== undefined) {
    throw new AdminApiError(response.status, error.code, error.message ?? `HTTP ${response.status}`, error.field);
  }
  // Not the relay's error body: a proxy's page, or the admin API is off (no SANTA_CHAT_ADMIN_TOKEN: 404).
  throw new AdminApiError(response.status, 'HTTP_ERROR', `The relay answered ${response.status}: ${text.slice(0, 200)}`);
}
