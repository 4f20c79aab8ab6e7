/**
 * Tells a browser test which engine runs it (the `santa-chat-engine` command), so that a test
 * can say why a check needs a tool only one engine has (media emulation needs Chrome's protocol).
 */
export type Engine = 'chromium' | 'firefox' | 'webkit';

export function enginePlugin(engine: string) {
  return {
    name: 'santa-chat-engine',
    executeCommand({ command }: { command: string }): string | undefined {
      return command === 'santa-chat-engine' ? engine : undefined;
    },
  };
}
