import type { EntityManager } from '@mikro-orm/postgresql';
import { createLoaders, EventLoaders } from './loaders';
import type { HearthModule } from './module';
import { ViewerKeyedLoader } from './viewer-loader';

/** Two modules whose loader sets record when they are made, and how they get the EntityManager (a batch asks for it). */
function countingModules() {
  const made: string[] = [];
  const modules: HearthModule[] = [
    {
      name: 'first',
      loaders: (em) => {
        made.push('first');
        return { alpha: { em, name: 'alpha' }, beta: { em, name: 'beta' } };
      },
    },
    {
      name: 'second',
      loaders: (em) => {
        made.push('second');
        return { gamma: { em, name: 'gamma' } };
      },
      viewerLoaders: (em) => {
        made.push('second viewers');
        return {
          seen: new ViewerKeyedLoader<string>(
            () => 'anonymous',
            async (viewerIds, ids) => ids.map((id, i) => `${viewerIds[i]} saw ${id} (${(em() as unknown as { id: number }).id})`),
          ),
        };
      },
    },
  ];
  return { made, modules };
}

describe('per-request loaders', () => {
  it('makes a module’s loaders when one of them is first used, and forks the EntityManager only when a batch asks for it', async () => {
    const { made, modules } = countingModules();
    const forks: number[] = [];
    const fork = () => {
      forks.push(forks.length + 1);
      return { id: forks.length } as unknown as EntityManager;
    };
    // The first list of modules seen reads their loaders' names once, forking nothing.
    void (createLoaders(modules, fork, () => null) as unknown as Record<string, unknown>).alpha;
    expect(forks).toEqual([]);
    made.length = 0;

    const loaders = createLoaders(modules, fork, () => 'viewer-1') as unknown as Record<string, any>;
    expect(made).toEqual([]);
    expect(forks).toEqual([]);

    expect(loaders.alpha.name).toBe('alpha');
    expect(loaders.beta).toBe(loaders.beta);
    expect(loaders.alpha.em).toBe(loaders.beta.em);
    expect(made).toEqual(['first']);
    expect(forks).toEqual([]);

    expect(loaders.gamma.em).toBe(loaders.alpha.em);
    expect(await loaders.seen.load('item-1')).toBe('viewer-1 saw item-1 (1)');
    expect(made).toEqual(['first', 'second', 'second viewers']);
    expect(forks).toEqual([1]);
    expect(loaders.gamma.em()).toBe(loaders.alpha.em());
    expect(forks).toEqual([1]);
    expect(Object.keys(Object.getPrototypeOf(loaders))).toEqual(['alpha', 'beta', 'gamma', 'seen']);
  });

  it('refuses a module that asks for the EntityManager while its loaders are made', () => {
    const eager: HearthModule[] = [{ name: 'eager', loaders: (em) => ({ now: em() }) }];
    expect(() =>
      createLoaders(
        eager,
        () => ({}) as EntityManager,
        () => null,
      ),
    ).toThrow(/while being made/);
  });

  it('gives each viewer of one unit of work its own answers from shared loaders', async () => {
    const { made, modules } = countingModules();
    const em = { id: 7 } as unknown as EntityManager;
    new EventLoaders(modules, em).forViewerId(null);
    made.length = 0;
    const events = new EventLoaders(modules, em);
    const ann = events.forViewerId('ann') as unknown as Record<string, any>;
    const bob = events.forViewerId('bob') as unknown as Record<string, any>;
    expect(events.forViewerId('ann')).toBe(ann);
    expect(ann.gamma).toBe(bob.gamma);
    expect(await Promise.all([ann.seen.load('x'), bob.seen.load('x')])).toEqual(['ann saw x (7)', 'bob saw x (7)']);
    expect(await (events.forViewerId(null) as unknown as Record<string, any>).seen.load('x')).toBe('anonymous');
    expect(made).toEqual(['second', 'second viewers']);
  });

  it('lets each viewer peek only at what was primed for them, until it is cleared', async () => {
    const events = new EventLoaders(countingModules().modules, { id: 7 } as unknown as EntityManager);
    const [ann, bob, nobody] = ['ann', 'bob', null].map((id) => events.forViewerId(id) as unknown as Record<string, any>);
    ann.seen.prime('x', 'primed for ann');
    expect(ann.seen.peek('x')).toBe('primed for ann');
    expect(bob.seen.peek('x')).toBeUndefined();
    expect(nobody.seen.peek('x')).toBeUndefined();
    // As the loader's cache: a second prime changes nothing; after a clear, a prime does.
    ann.seen.prime('x', 'again');
    expect([ann.seen.peek('x'), await ann.seen.load('x')]).toEqual(['primed for ann', 'primed for ann']);
    ann.seen.clear('x');
    expect(ann.seen.peek('x')).toBeUndefined();
    ann.seen.prime('x', 'after the view');
    expect([ann.seen.peek('x'), await ann.seen.load('x')]).toEqual(['after the view', 'after the view']);
    // What a batch loaded is not peeked at: only primed values are.
    expect(await bob.seen.load('y')).toBe('bob saw y (7)');
    expect(bob.seen.peek('y')).toBeUndefined();
  });
});
