/**
 * Preloaded (`node --expose-gc --import scripts/scale/memory-probe.mjs …`) into the Duck server the memory bench
 * starts, and only there: it answers the bench's IPC messages with the process's memory after a full garbage
 * collection, and writes a heap snapshot when asked. The product never loads it.
 */
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from 'node:v8'

if (typeof process.send === 'function' && typeof globalThis.gc === 'function') {
  const gc = globalThis.gc
  process.on('message', (message) => {
    if (typeof message !== 'object' || message === null || message.probe !== 'measure') return
    // Twice, with a turn of the event loop between: finalizers (better-sqlite3 statements, weak
    // callbacks) run after the first and free what the second collects.
    gc()
    setImmediate(() => {
      gc()
      const usage = process.memoryUsage()
      const heap = getHeapStatistics()
      // Compiled code (the JIT's output grows while functions warm up; not data the program keeps).
      const spaces = getHeapSpaceStatistics()
      const code = spaces
        .filter((space) => space.space_name.startsWith('code'))
        .reduce((sum, space) => sum + space.space_used_size, 0)
      const snapshot = typeof message.snapshot === 'string' ? writeHeapSnapshot(message.snapshot) : null
      process.send?.({
        probe: 'measured',
        id: message.id,
        heapUsed: usage.heapUsed,
        heapTotal: usage.heapTotal,
        external: usage.external,
        arrayBuffers: usage.arrayBuffers,
        rss: usage.rss,
        mallocedMemory: heap.malloced_memory,
        code,
        spaces: Object.fromEntries(
          spaces.map((space) => [space.space_name, { size: space.space_size, used: space.space_used_size }])
        ),
        snapshot
      })
    })
  })
  // The IPC channel must not keep a stopping server alive.
  process.channel?.unref()
}
