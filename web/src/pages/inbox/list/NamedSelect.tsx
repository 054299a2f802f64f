import { Field, Select } from "../../../components/ui/Field";

export type Named = { id: string; name: string };

/** A labelled select of named things (channels, teams, agents…); "" is the `none` choice. */
export function NamedSelect({ label, value, onChange, items, none, disabled, testId }: { label: string; value: string | null | undefined; onChange: (id: string) => void; items: readonly Named[]; none: string; disabled?: boolean; testId?: string }) {
  return (
    <Field label={label}>
      <Select data-testid={testId} disabled={disabled} value={value ?? ""} onChange={(e) => onChange(e.target.value)} className="h-9">
        <option value="">{none}</option>
        {items.map((it) => (
          <option key={it.id} value={it.id}>
            {it.name}
          </option>
        ))}
      </Select>
    </Field>
  );
}
