// The new-message chime, synthesised with the Web Audio API (no file to fetch or bundle): two
// short soft notes, like a phone's notification. Browsers keep audio locked until a user gesture,
// so the context is created (or resumed) on the first click or key press of the page.

let ctx: AudioContext | null = null;

function context(): AudioContext | null {
  if (ctx) return ctx;
  const Ctor = typeof window !== "undefined" ? (window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext) : undefined;
  if (!Ctor) return null;
  try {
    ctx = new Ctor();
  } catch {
    return null;
  }
  return ctx;
}

/** Unlocks audio on the first user gesture; returns the cleanup. */
export function unlockAudioOnGesture(): () => void {
  const unlock = () => {
    const c = context();
    if (c && c.state === "suspended") void c.resume().catch(() => undefined);
    remove();
  };
  const remove = () => {
    window.removeEventListener("pointerdown", unlock);
    window.removeEventListener("keydown", unlock);
  };
  window.addEventListener("pointerdown", unlock, { once: true });
  window.addEventListener("keydown", unlock, { once: true });
  return remove;
}

function note(c: AudioContext, freq: number, start: number, length: number) {
  const osc = c.createOscillator();
  const gain = c.createGain();
  osc.type = "sine";
  osc.frequency.setValueAtTime(freq, start);
  gain.gain.setValueAtTime(0.0001, start);
  gain.gain.exponentialRampToValueAtTime(0.18, start + 0.015);
  gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
  osc.connect(gain).connect(c.destination);
  osc.start(start);
  osc.stop(start + length + 0.02);
}

/** Plays the chime (silently does nothing where audio is unavailable or still locked). */
export function playChime() {
  const c = context();
  if (!c || c.state !== "running") return;
  const t = c.currentTime + 0.01;
  note(c, 880, t, 0.14);
  note(c, 1318.5, t + 0.11, 0.22);
}
