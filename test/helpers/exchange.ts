/**
 * A whole Secret Santa exchange for anonymity scans, shared by the Node (wire) and the
 * browser (IndexedDB, DOM) tests: `size` members in ONE cycle (member i gives to i + 1), so
 * nobody knows their santa in another role and every santa must stay hidden from their giftee.
 *
 * Every member has a random 10-hex-digit tag that is part of both their id and their name,
 * so a substring scan is meaningful: no UI text, message or generated id contains one by
 * chance, and a leak of even part of an id or a name (the tag, the first name) is caught.
 * Pure code: it runs in Node and in the browser.
 */

const FIRST_NAMES = [
  'Aurélie', 'Bartholomew', 'Cosima', 'Desmond', 'Eulalie', 'Fitzgerald', 'Genoveva', 'Horatio', 'Isolde', 'Jasperine',
  'Kallista', 'Leopoldo', 'Marisol', 'Nikolai', 'Ottilie', 'Percival', 'Quintessa', 'Rafferty', 'Seraphina', 'Thaddeus',
];

export interface ExchangeMember {
  id: string;
  name: string;
  /** The part of the name a person would be called by. */
  firstName: string;
  /** In both the id and the name. */
  tag: string;
}

function randomTag(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(5)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export class CycleExchange {
  readonly groupId = `exchange-${randomTag()}`;
  readonly members: ExchangeMember[];

  constructor(size: number) {
    if (size > FIRST_NAMES.length) throw new Error(`at most ${FIRST_NAMES.length} members`);
    this.members = FIRST_NAMES.slice(0, size).map((firstName) => {
      const tag = randomTag();
      return { id: `person-${tag}`, name: `${firstName} Q${tag}`, firstName, tag };
    });
  }

  santaOf(index: number): ExchangeMember {
    return this.members[(index + this.members.length - 1) % this.members.length]!;
  }

  gifteeOf(index: number): ExchangeMember {
    return this.members[(index + 1) % this.members.length]!;
  }

  /** The body of PUT /admin/groups/:groupId. */
  body(revealAt: Date) {
    return {
      name: 'Winter exchange',
      revealAt: revealAt.toISOString(),
      members: this.members.map(({ id, name }) => ({ id, name })),
      assignments: this.members.map((member, index) => ({ santa: member.id, giftee: this.gifteeOf(index).id })),
    };
  }
}

/** A base64 (and base64url) spelling of `text`, so an id merely encoded is found too. */
function base64Forms(text: string): string[] {
  const bytes = new TextEncoder().encode(text);
  const base64 = btoa(String.fromCharCode(...bytes)).replace(/=+$/, '');
  return [base64, base64.replace(/\+/g, '-').replace(/\//g, '_')];
}

/**
 * Every way `person` could be named in what someone received: id (also URL- and
 * base64-encoded), full name, first name and tag; names compared without case.
 */
export function tracesOf(person: ExchangeMember): string[] {
  return [person.id, encodeURIComponent(person.id), ...base64Forms(person.id), person.name, encodeURIComponent(person.name), person.firstName, person.tag];
}

export interface Finding {
  trace: string;
  where: string;
  excerpt: string;
}

/** Where `texts` mention `person` at all (any trace, any case). Empty means: no trace. */
export function findTraces(person: ExchangeMember, texts: Iterable<{ where: string; text: string }>): Finding[] {
  const traces = tracesOf(person).map((trace) => trace.toLowerCase());
  const findings: Finding[] = [];
  for (const { where, text } of texts) {
    const lower = text.toLowerCase();
    for (const trace of traces) {
      const at = lower.indexOf(trace);
      if (at >= 0) findings.push({ trace, where, excerpt: text.slice(Math.max(0, at - 80), at + trace.length + 80) });
    }
  }
  return findings;
}
