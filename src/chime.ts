let context: AudioContext | undefined;

/**
 * A short, soft two-note chime, made by Web Audio: no file to fetch, nothing for a Content Security Policy
 * to allow. Browsers keep audio off until the visitor has interacted with the page; until then it is silent.
 */
export function chime(): void {
  if (typeof AudioContext === 'undefined') return;
  context ??= new AudioContext();
  if (context.state === 'suspended') context.resume().catch(() => undefined);
  const now = context.currentTime;
  for (const [offset, frequency] of CHIME_NOTES) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, now + offset);
    gain.gain.exponentialRampToValueAtTime(0.08, now + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.25);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(now + offset);
    oscillator.stop(now + offset + 0.3);
  }
}

/** [start (s), frequency (Hz)]: A5 then E6, a fifth up, the second a little later. */
const CHIME_NOTES: readonly (readonly [number, number])[] = [
  [0, 880],
  [0.12, 1320],
];
