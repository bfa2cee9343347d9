/**
 * Progress on the terminal: a bar with counts, rate and time left on a TTY (redrawn in place on
 * stderr); plain lines otherwise (at the start, every 10 % and at the end), so logs stay readable.
 */
import type { ProgressSink } from "../../app/.server/import/run";

const nf = new Intl.NumberFormat("fr-FR");
const fmt = (n: number) => nf.format(n).replace(/[\u202f\u00a0]/g, " ");

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  const tty = Boolean(stream.isTTY);
  let label = "";
  let unit = "";
  let total = 0;
  let count = 0;
  let started = 0;
  let lastDraw = 0;
  let lastDecile = -1;

  const rate = () => {
    const seconds = (performance.now() - started) / 1000;
    return seconds > 0 ? count / seconds : 0;
  };
  const line = () => {
    const r = rate();
    const left = r > 0 && total > count ? ` · reste ~${Math.ceil((total - count) / r)} s` : "";
    return `${label} : ${fmt(count)}/${fmt(total)} ${unit} · ${fmt(Math.round(r))}/s${left}`;
  };
  const draw = (force = false) => {
    const now = performance.now();
    if (!force && now - lastDraw < 100) return;
    lastDraw = now;
    const width = 24;
    const filled = total > 0 ? Math.round((count / total) * width) : width;
    stream.write(`\r\x1b[2K[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${line()}`);
  };

  return {
    start(l, t, u) {
      label = l;
      total = t;
      unit = u;
      count = 0;
      started = performance.now();
      lastDecile = -1;
      if (t === 0) return;
      if (tty) draw(true);
      else stream.write(`${label} : ${fmt(total)} ${unit}…\n`);
    },
    advance(n) {
      count += n;
      if (tty) draw();
      else {
        const decile = total > 0 ? Math.floor((count / total) * 10) : 10;
        if (decile > lastDecile && decile < 10) {
          lastDecile = decile;
          if (decile > 0) stream.write(`${line()}\n`);
        }
      }
    },
    done() {
      if (total === 0) return;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      if (tty) draw(true);
      stream.write(`${tty ? "\r\x1b[2K" : ""}${label} : ${fmt(count)}/${fmt(total)} ${unit} en ${seconds} s (${fmt(Math.round(rate()))}/s)\n`);
    },
  };
}
