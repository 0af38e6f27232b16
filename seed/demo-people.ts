import type { Random } from './random';

export const COMPANIES = [
  'Acme Logistics',
  'Borealis Bank',
  'Cobalt Health',
  'Delta Retail',
  'Evergreen Energy',
  'Fjord Media',
  'Granite Insurance',
  'Helix Pharma',
];
export const TITLES = [
  'Head of Marketing',
  'CTO',
  'Product Manager',
  'Sales Director',
  'Data Analyst',
  'Operations Lead',
  'CEO',
  'Engineer',
];

const FIRST = [
  'Alice',
  'Bruno',
  'Chloé',
  'Dmitri',
  'Elena',
  'Farid',
  'Greta',
  'Hugo',
  'Ines',
  'Jonas',
  'Kenji',
  'Lea',
  'Marco',
  'Nadia',
  'Omar',
  'Paula',
  'Quentin',
  'Rosa',
  'Sven',
  'Tara',
  'Umar',
  'Vera',
  'Wen',
  'Ximena',
  'Yusuf',
  'Zoé',
  'Amara',
  'Bastian',
  'Clara',
  'Diego',
  'Emma',
  'Felix',
  'Giulia',
  'Hannah',
  'Ivan',
  'Julia',
  'Kofi',
  'Lina',
  'Mateo',
  'Noor',
];
const LAST = [
  'Martin',
  'Schmidt',
  'Rossi',
  'Nowak',
  'Dubois',
  'Silva',
  'Jensen',
  'Moreau',
  'Kowalski',
  'Bernard',
  'Fischer',
  'Costa',
  'Lindqvist',
  'Novak',
  'Okafor',
  'Petit',
  'Quinn',
  'Romero',
  'Sato',
  'Tanaka',
  'Ueda',
  'Varga',
  'Weber',
  'Yilmaz',
  'Zimmermann',
  'Haddad',
  'Ivanova',
  'Laurent',
  'Mensah',
  'Nakamura',
];

/**
 * Display names for the whole community, each different: 1,200 first-and-last combinations, then
 * a middle initial once they run out, then a number (`--members 100000`).
 */
export function uniqueNames(random: Random): () => string {
  const used = new Set<string>();
  const fresh = (name: string) => !used.has(name) && Boolean(used.add(name));
  let numbered = 0;
  return () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const name = `${random.pick(FIRST)} ${random.pick(LAST)}`;
      if (fresh(name)) return name;
    }
    for (let attempt = 0; attempt < 20; attempt++) {
      const name = `${random.pick(FIRST)} ${String.fromCharCode(65 + random.int(0, 25))}. ${random.pick(LAST)}`;
      if (fresh(name)) return name;
    }
    // FIRST × LAST with and without an initial is about 32,000 names: past them (the bench's
    // 75,000-member community) a number keeps names apart, where random draws never ended.
    for (;;) {
      const name = `${random.pick(FIRST)} ${random.pick(LAST)} ${++numbered}`;
      if (fresh(name)) return name;
    }
  };
}
