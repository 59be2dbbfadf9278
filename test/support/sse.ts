/**
 * A server-sent events client over fetch, for tests: reads the stream frame
 * by frame until the frame awaited arrives, bounded by a timeout.
 */
export interface SseFrame {
  readonly event?: string;
  /** The data lines joined, parsed as JSON when they are. */
  readonly data?: any;
  readonly retry?: number;
  readonly comment?: string;
}

export class SseReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  private readonly frames: SseFrame[] = [];
  private done = false;

  constructor(
    readonly response: Response,
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
  ) {}

  /** The next frame `matches` accepts (frames before it are passed over); fails after `timeoutMs` or at the end. */
  async next(matches: (frame: SseFrame) => boolean = () => true, timeoutMs = 10_000): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = this.frames.shift();
      if (frame !== undefined) {
        if (matches(frame)) return frame;
        continue;
      }
      if (this.done) throw new Error('the event stream ended before the awaited event');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no awaited event within ${timeoutMs} ms`);
      let timer: NodeJS.Timeout | undefined;
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), left))),
      ]);
      clearTimeout(timer);
      if (chunk === 'timeout') continue;
      if (chunk.done) this.done = true;
      else this.take(this.decoder.decode(chunk.value, { stream: true }));
    }
  }

  /** The next frame of event `event`. */
  event(event: string, matches: (data: any) => boolean = () => true, timeoutMs?: number): Promise<SseFrame> {
    return this.next((frame) => frame.event === event && matches(frame.data), timeoutMs);
  }

  /** Resolves once the server ended the stream (frames until then are passed over). */
  async ended(timeoutMs = 10_000): Promise<void> {
    try {
      await this.next(() => false, timeoutMs);
    } catch (error) {
      if (!this.done) throw error;
    }
  }

  async close(): Promise<void> {
    await this.reader.cancel().catch(() => undefined);
  }

  private take(text: string): void {
    this.buffer += text;
    for (let end = this.buffer.indexOf('\n\n'); end >= 0; end = this.buffer.indexOf('\n\n')) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const frame: { event?: string; data?: any; retry?: number; comment?: string } = {};
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) frame.comment = line.slice(1).trim();
        else if (line.startsWith('event: ')) frame.event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
        else if (line.startsWith('retry: ')) frame.retry = Number(line.slice(7));
      }
      if (data.length > 0) {
        const joined = data.join('\n');
        try {
          frame.data = JSON.parse(joined);
        } catch {
          frame.data = joined;
        }
      }
      this.frames.push(frame);
    }
  }
}

/** Opens `url` as an event stream; the response is returned whatever its status. */
export async function openEvents(url: string, headers: Record<string, string> = {}): Promise<SseReader> {
  const response = await fetch(url, { headers: { accept: 'text/event-stream', ...headers } });
  return new SseReader(response, response.body!.getReader());
}
