/** A column of a table of invoices: its header and the header cell's classes. */
export interface Column {
  label: string;
  className: string;
}

/** The header row of a table of invoices (Mes factures, the payment selection). */
export function TableHead({ columns, className }: { columns: readonly Column[]; className?: string }) {
  return (
    <thead className={className}>
      <tr>
        {columns.map((column) => (
          <th key={column.label} scope="col" className={column.className}>
            {column.label}
          </th>
        ))}
      </tr>
    </thead>
  );
}
