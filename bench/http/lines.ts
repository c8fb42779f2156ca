/** The HTTP benchmark's processes talk in lines: calls `handle` with each complete, trimmed, non-empty line of `stream`. */
export function onLines(stream: NodeJS.ReadableStream, handle: (line: string) => void): void {
  let pending = "";
  stream.on("data", (chunk: Buffer | string) => {
    pending += chunk.toString();
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline).trim();
      pending = pending.slice(newline + 1);
      if (line !== "") handle(line);
    }
  });
}
