// V8 options for Duck's main process (the agent, the store, the model client): the young
// generation capped at two 4 MiB semi-spaces. V8's default lets it grow to two 16 MiB ones, and a
// collection does not give those pages back, so a long-running process kept ~25 MiB of empty
// nursery (docs/performance.md, "Memory"). V8 reads these only at start-up, so they go on the
// command line: `npm run serve` has them in package.json's serve script, and `npm start` passes
// them to Electron as `--js-flags` (its main process takes V8 options only from there).
export const MAIN_PROCESS_V8_FLAGS = ['--max-semi-space-size=4']
