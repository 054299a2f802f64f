// Placeholder until the chat pane lands (same session).
export function ChatPane({ conversationId }: { conversationId: string }) {
  return <div data-conversation={conversationId} />;
}
