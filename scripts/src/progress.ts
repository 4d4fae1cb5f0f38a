/**
 * A line of progress for long work on the command line. On a terminal it is rewritten in place, a few times a second at
 * most; in a log (CI, a file) it is written once for each tenth of the way, so that the log stays readable.
 */
export function progressLine(out: { write: (s: string) => unknown; isTTY?: boolean } = process.stdout) {
  let shownAt = -Infinity
  let tenth = -1
  return {
    show(done: number, total: number, text: string) {
      if (out.isTTY) {
        const now = performance.now()
        if (now - shownAt < 200 && done < total) return
        shownAt = now
        out.write(`\r${text}`)
      } else {
        const reached = Math.floor((10 * done) / total)
        if (reached === tenth) return
        tenth = reached
        out.write(`${text.trimEnd()}\n`)
      }
    },
    /** Ends the line with what follows it (a terminal's line is still open). */
    end(text: string) {
      out.write(out.isTTY ? `\n${text}\n` : `${text}\n`)
    },
  }
}
