/** Props of {@link TableHead}. */
export interface TableHeadProps {
  columns: readonly string[];
  /** Adds a last column for row buttons, named for screen readers only. */
  actions?: boolean;
}

/** The header row of a data table: one column header per name. */
export function TableHead({ columns, actions = false }: TableHeadProps) {
  return (
    <thead>
      <tr>
        {columns.map((column) => (
          <th key={column} scope="col">
            {column}
          </th>
        ))}
        {actions && (
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        )}
      </tr>
    </thead>
  );
}
