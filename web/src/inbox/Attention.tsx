// Placeholder until attention (notifications, sound, unread in the title) lands (same session).
export function Attention() {
  return null;
}
