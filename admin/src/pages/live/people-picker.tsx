import { useId, useState } from 'react';
import { useDebounced } from '../../lib/use-debounced';
import { useGraphQL } from '../../api/use-graphql';
import { PeoplePickerDocument, type Role } from '../../generated/graphql';

export interface Person {
  id: string;
  displayName: string;
}

/** Search members (of one role when given) and pick them: speakers, or the one partner. */
export function PeoplePicker({
  label,
  role,
  chosen,
  single,
  onChange,
}: {
  label: string;
  role?: Role;
  chosen: Person[];
  single?: boolean;
  onChange: (people: Person[]) => void;
}) {
  const id = useId();
  const [search, setSearch] = useState('');
  const settled = useDebounced(search.trim(), 250);
  // Anyone may speak: suggest once the admin types. Partners are few: list them at once.
  const { data } = useGraphQL(PeoplePickerDocument, { search: settled || null, role: role ?? null }, { skip: !settled && !role });
  const options = (settled || role ? (data?.members.edges ?? []) : [])
    .map((edge) => edge.node)
    .filter((person) => !chosen.some((c) => c.id === person.id));
  const add = (person: Person) => {
    onChange(single ? [person] : [...chosen, person]);
    setSearch('');
  };
  return (
    <fieldset className="picker">
      <legend>{label}</legend>
      {chosen.length ? (
        <ul className="chosen">
          {chosen.map((person) => (
            <li key={person.id}>
              {person.displayName}{' '}
              <button
                type="button"
                className="link-button"
                aria-label={`Remove ${person.displayName}`}
                onClick={() => onChange(chosen.filter((c) => c.id !== person.id))}
              >
                Remove
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="hint">None chosen.</p>
      )}
      <label htmlFor={`${id}-search`}>
        Find {single ? 'the' : 'a'} {label.toLowerCase().replace(/s$/, '')}
      </label>
      <input
        id={`${id}-search`}
        type="search"
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        placeholder="Name, email or company"
      />
      {options.length ? (
        <ul className="options" aria-label={`Matching members for ${label.toLowerCase()}`}>
          {options.slice(0, 6).map((person) => (
            <li key={person.id}>
              <button type="button" onClick={() => add(person)}>
                Add {person.displayName}
                {person.company ? ` (${person.company})` : ''}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </fieldset>
  );
}
