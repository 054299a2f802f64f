// Placeholder until the side panel lands (same session).
export function SidePanel({ conversationId }: { conversationId: string; onClose: () => void }) {
  return <div data-conversation={conversationId} />;
}
