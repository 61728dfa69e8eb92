/** Prints the story for a newcomer: chapters, what each step does, and what the ledger answered. */
export class Narrator {
  private chapterNumber = 0;

  constructor(private readonly write: (line: string) => void = (line) => process.stdout.write(`${line}\n`)) {}

  chapter(title: string, why: string): void {
    this.chapterNumber += 1;
    this.write('');
    this.write(`${this.chapterNumber}. ${title}`);
    this.write(`   ${why}`);
  }

  /** What is about to happen, and through which request. */
  step(text: string, request?: string): void {
    this.write(`   → ${text}${request ? `   [${request}]` : ''}`);
  }

  /** What the ledger answered. */
  result(text: string): void {
    this.write(`     ✔ ${text}`);
  }

  note(text: string): void {
    this.write(`     · ${text}`);
  }

  line(text = ''): void {
    this.write(text);
  }
}
