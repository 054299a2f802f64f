// Placeholder until the list lands (same session).
export function ConversationList({ selectedId }: { selectedId?: string }) {
  return <div data-selected={selectedId} />;
}
