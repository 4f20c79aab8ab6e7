/**
 * The relays the chaos cases break: one relay process on a SQLite file of its own (killed and
 * started again on the same file and port), or three on PostgreSQL with a redis-server of the
 * test's own behind a TCP balancer that sends each new connection to a relay still running.
 * Both hand out a ring of widget clients connected the way a page would be.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signParticipantToken } from '../../../server/src/auth/jwt.js';
import { spawnRelay, type RelayProcess } from '../../helpers/process.js';
import { freePort, RedisServer } from '../../helpers/redis.js';
import { RelayCluster, token } from '../../helpers/relay-cluster.js';
import { TcpProxy } from '../../helpers/tcp-proxy.js';
import { Ring } from './ring.js';

const SECRET = 'chaos-relay-secret-0123456789abcdef';
const ADMIN = 'chaos-relay-admin-0123456789';
/** The per-user message limit is not under test: high enough never to refuse. */
const NO_RATE_LIMIT = { SANTA_CHAT_RATE_MESSAGES: '1000000' };

export class SqliteRelay {
  readonly databasePath: string;
  readonly url: string;
  readonly #dataDir: string;
  readonly #env: Record<string, string>;
  #process: RelayProcess | undefined;

  private constructor(dataDir: string, env: Record<string, string>, relay: RelayProcess) {
    this.#dataDir = dataDir;
    this.databasePath = join(dataDir, 'relay.db');
    this.#env = env;
    this.#process = relay;
    this.url = relay.url;
  }

  /** A relay process on a fresh SQLite file, on a port it keeps across restarts. */
  static async start(): Promise<SqliteRelay> {
    const dataDir = await mkdtemp(join(tmpdir(), 'santa-chat-chaos-'));
    const env = {
      SANTA_CHAT_JWT_SECRET: SECRET,
      SANTA_CHAT_ADMIN_TOKEN: ADMIN,
      DATABASE_URL: `sqlite:${join(dataDir, 'relay.db')}`,
      PORT: String(await freePort()),
      ...NO_RATE_LIMIT,
    };
    try {
      return new SqliteRelay(dataDir, env, await spawnRelay(env));
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** SIGKILL; resolves with how the process ended. */
  async kill(): Promise<number | string> {
    const relay = this.#process;
    if (!relay) throw new Error('the relay is not running');
    this.#process = undefined;
    relay.child.kill('SIGKILL');
    return relay.exited;
  }

  /** Starts it again on the same database file and port. */
  async restart(): Promise<void> {
    const relay = await spawnRelay(this.#env);
    this.#process = relay;
    if (relay.url !== this.url) throw new Error(`came back on ${relay.url}, not ${this.url}`);
  }

  /** A ring of `size` widget clients whose tokenProvider mints hour-long tokens. */
  ring(size: number): Promise<Ring> {
    return Ring.start({
      server: this.url,
      size,
      putGroup: (groupId, body) =>
        fetch(`${this.url}/admin/groups/${groupId}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      credentials: (userId) => ({
        tokenProvider: async () => signParticipantToken({ sub: userId, exp: Math.floor(Date.now() / 1000) + 3600 }, SECRET),
      }),
    });
  }

  async stop(): Promise<void> {
    if (this.#process) await this.kill();
    await rm(this.#dataDir, { recursive: true, force: true });
  }
}

export interface BalancedClusterOptions {
  relays: number;
  /** Where the relays reach PostgreSQL (a proxy the test cuts); default the test database. */
  databaseUrl?: string;
}

/** Relays on PostgreSQL and a Redis of their own, behind one address, as a site runs them. */
export class BalancedCluster {
  readonly redis: RedisServer;
  readonly relays: RelayCluster;
  /** The balancer's http address, which the clients are given. */
  readonly url: string;
  readonly #balancer: TcpProxy;

  private constructor(redis: RedisServer, relays: RelayCluster, balancer: TcpProxy) {
    this.redis = redis;
    this.relays = relays;
    this.#balancer = balancer;
    this.url = `http://127.0.0.1:${balancer.port}`;
  }

  static async start(options: BalancedClusterOptions): Promise<BalancedCluster> {
    const redis = await RedisServer.start();
    let relays: RelayCluster | undefined;
    try {
      relays = await RelayCluster.start({
        redisUrls: Array.from({ length: options.relays }, () => redis.url),
        env: NO_RATE_LIMIT,
        ...(options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : {}),
      });
      const live = relays;
      let next = 0;
      const balancer = await TcpProxy.start(() => {
        const ports = live.livePorts();
        return ports[next++ % ports.length];
      });
      return new BalancedCluster(redis, live, balancer);
    } catch (error) {
      await relays?.stop();
      await redis.stop();
      throw error;
    }
  }

  /** A ring of `size` widget clients, all through the balancer. */
  ring(size: number): Promise<Ring> {
    return Ring.start({
      server: this.url,
      size,
      putGroup: (groupId, body) => this.relays.putGroup(groupId, body),
      credentials: (userId) => ({ tokenProvider: async () => token(userId) }),
    });
  }

  async stop(): Promise<void> {
    await this.#balancer.close();
    await this.relays.stop();
    await this.redis.stop();
  }
}
