import { editDistance } from '../config/misspelled-key.js';

/** The known command a slip away from `name` (an edit or two, `_` for `-`), or the only one it starts. */
export function nearestCommand(name: string, known: readonly string[]): string | undefined {
  const typed = name.toLowerCase().replaceAll('_', '-');
  let best: { command: string; distance: number } | undefined;
  for (const command of known) {
    const distance = editDistance(typed, command.toLowerCase());
    if (distance <= Math.max(1, Math.min(2, Math.floor(command.length / 3))) && (!best || distance < best.distance)) best = { command, distance };
  }
  if (best) return best.command;
  const started = known.filter((command) => command.startsWith(typed));
  return started.length === 1 ? started[0] : undefined;
}
