export function packageDir(name: string, from?: string): string
export function packageBin(name: string, options?: { bin?: string; from?: string }): string
export function nodeCommand(
  name: string,
  args?: readonly string[],
  options?: { bin?: string; from?: string }
): [string, string[]]
