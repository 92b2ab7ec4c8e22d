/**
 * Preloaded (`node --expose-gc --import scripts/scale/memory-probe.mjs …`) into the Duck server the memory bench
 * starts, and only there: it answers the bench's IPC messages with the process's memory after a full garbage
 * collection, and writes a heap snapshot when asked. The product never loads it.
 */
import { getHeapCodeStatistics, writeHeapSnapshot } from 'node:v8'

if (typeof process.send === 'function' && typeof globalThis.gc === 'function') {
  const gc = globalThis.gc
  process.on('message', (message) => {
    if (typeof message !== 'object' || message === null || message.probe !== 'measure') return
    // Until the live heap settles (at least twice, at most six times), with a turn of the event
    // loop between: finalizers (better-sqlite3 statements, weak callbacks) run after one
    // collection and free what the next collects, and a collection can leave pages unswept.
    let rounds = 0
    let last = Infinity
    const settle = () => {
      gc()
      rounds++
      const used = process.memoryUsage().heapUsed
      const settled = rounds >= 2 && Math.abs(last - used) < 16 * 1024
      last = used
      if (!settled && rounds < 6) setImmediate(settle)
      else report()
    }
    setImmediate(settle)
    const report = () => {
      const usage = process.memoryUsage()
      // Compiled code: machine code with its relocation, deoptimisation and source-position
      // data, and bytecode with its metadata (V8's own count). It grows while functions warm up
      // and tier up, and shrinks when V8 flushes what has gone cold; it is not data the program keeps.
      const codeStats = getHeapCodeStatistics()
      const code = codeStats.code_and_metadata_size + codeStats.bytecode_and_metadata_size
      const snapshot = typeof message.snapshot === 'string' ? writeHeapSnapshot(message.snapshot) : null
      process.send?.({
        probe: 'measured',
        id: message.id,
        heapUsed: usage.heapUsed,
        heapTotal: usage.heapTotal,
        external: usage.external,
        code,
        snapshot
      })
    }
  })
  // The IPC channel must not keep a stopping server alive.
  process.channel?.unref()
}
