// When the tag picker offers "Criar etiqueta “x”": the text typed, trimmed, that names no tag
// yet. The API compares names without case and surrounding spaces (a second "VIP" next to "vip"
// is a 409), so the offer does too, and never proposes a duplicate.

export function tagToCreate(typed: string, existing: readonly { name: string }[]): string | null {
  const name = typed.trim().replace(/\s+/g, " ");
  if (!name) return null;
  const key = name.toLocaleLowerCase();
  return existing.some((t) => t.name.trim().toLocaleLowerCase() === key) ? null : name;
}
