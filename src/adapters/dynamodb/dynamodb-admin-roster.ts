import { type CatalogContext, tableOf } from './catalog-context.ts';
import { expression } from './dynamodb-expressions.ts';
import { type Item, ItemReader, itemSchemaVersion } from './dynamodb-items.ts';
import { getItem, putItem, type TableHandle, updateItem } from './dynamodb-requests.ts';

/** The key of the one roster item. */
const rosterKey = { roster: 'admins' };
/** Retired terms are forgotten after a day: long after any write that could still name them. */
const retiredTermLifetimeMs = 24 * 60 * 60_000;
/** At most this many forgotten terms are pruned per retirement, keeping the update small. */
const prunedPerRetirement = 20;

/**
 * Keeps "there is always an admin" true without transactions. Each time a user becomes an admin they get
 * a new random *term* (stored as the user item's `adminTerm`); one item, `roster = admins`, maps the active
 * terms to their users (`activeTerms`) and remembers retired ones (`retiredTerms`). Since conditions see
 * one item only, the roster item is where admin changes meet:
 *
 * - becoming admin: the user item is written first, then the term is registered, on the condition that it
 *   was not retired meanwhile; so every active term belongs to a current admin;
 * - ceasing to be admin (demotion, removal): the term is retired first, on the condition that another
 *   active term remains, and only then is the user item changed.
 *
 * Two admins removing each other at once both try to retire their term from a roster of two; DynamoDB
 * applies one update after the other, and the second finds one term left and is refused. A crash between
 * the two steps leaves an admin not counted, which can only refuse a removal, never allow one; such
 * admins are registered again by {@link AdminRoster.registerUncounted} before a refusal is final.
 */
export class AdminRoster {
  private readonly table: TableHandle;
  private readonly clock: () => Date;
  private created = false;

  constructor(context: CatalogContext, clock: () => Date) {
    this.table = tableOf(context, 'adminRoster');
    this.clock = clock;
  }

  /** Counts `term` as an active admin of `userIdLowerCase`, unless it was retired; says whether it did. */
  async register(term: string, userIdLowerCase: string): Promise<boolean> {
    await this.ensureItem();
    const update = expression(
      'SET #activeTerms.#term = :user',
      { ':user': userIdLowerCase },
      { '#term': term },
    );
    const condition = expression('attribute_not_exists(#retiredTerms.#term)', {}, { '#term': term });
    return (await updateItem(this.table, rosterKey, update, condition)) !== undefined;
  }

  /**
   * Retires `term`, unless it is the only active one; says whether it did. A term not counted (its
   * registration not landed yet, or never) is retired without that check, as it was never counted.
   */
  async retire(term: string): Promise<boolean> {
    await this.ensureItem();
    const forgotten = await this.forgottenTerms(term);
    const names: Record<string, string> = { '#term': term };
    const removals = ['#activeTerms.#term'];
    forgotten.forEach((old, index) => {
      names[`#old${index}`] = old;
      removals.push(`#retiredTerms.#old${index}`);
    });
    const update = expression(
      `SET #retiredTerms.#term = :retiredAt REMOVE ${removals.join(', ')}`,
      { ':retiredAt': this.clock().toISOString() },
      names,
    );
    const condition = expression(
      'attribute_not_exists(#activeTerms.#term) OR size(#activeTerms) > :one',
      { ':one': 1 },
      { '#term': term },
    );
    return (await updateItem(this.table, rosterKey, update, condition)) !== undefined;
  }

  /**
   * Registers the terms of `admins` that are neither active nor retired: admins whose registration a crash
   * cut short. Retired terms stay out: their demotion or removal is under way. Says whether it added any.
   */
  async registerUncounted(admins: readonly { term: string; userIdLowerCase: string }[]): Promise<boolean> {
    const roster = await this.read();
    let added = false;
    for (const admin of admins) {
      if (Object.hasOwn(roster.activeTerms, admin.term) || Object.hasOwn(roster.retiredTerms, admin.term))
        continue;
      added = (await this.register(admin.term, admin.userIdLowerCase)) || added;
    }
    return added;
  }

  private async read(): Promise<{ activeTerms: Item; retiredTerms: Item }> {
    await this.ensureItem();
    const item = await getItem(this.table, rosterKey);
    if (item === undefined) return { activeTerms: {}, retiredTerms: {} };
    const reader = new ItemReader(item, this.table.table);
    return { activeTerms: reader.map('activeTerms'), retiredTerms: reader.map('retiredTerms') };
  }

  /** Retired terms old enough to forget, but never `keep` (one update cannot both set and remove it). */
  private async forgottenTerms(keep: string): Promise<string[]> {
    const { retiredTerms } = await this.read();
    const before = this.clock().getTime() - retiredTermLifetimeMs;
    return Object.entries(retiredTerms)
      .filter(
        ([term, retiredAt]) =>
          term !== keep && typeof retiredAt === 'string' && Date.parse(retiredAt) < before,
      )
      .map(([term]) => term)
      .slice(0, prunedPerRetirement);
  }

  /** Creates the roster item once: an update cannot set a key inside a map that does not exist yet. */
  private async ensureItem(): Promise<void> {
    if (this.created) return;
    const item = { ...rosterKey, activeTerms: {}, retiredTerms: {}, schemaVersion: itemSchemaVersion };
    await putItem(this.table, item, expression('attribute_not_exists(#roster)'));
    this.created = true;
  }
}
