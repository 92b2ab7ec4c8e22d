import type { Context, Hono } from 'hono'
import type { HttpBindings } from '@hono/node-server'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import { DuckApiError } from '../../shared/api'
import type { StreamEvent } from '../../shared/events'
import type { AuditExport, DuckService } from '../core/service'
import { RESPONSE_HEADERS } from './security'
import { createSseWriter, nodeSink } from './task-sse'

/** RFC 8259: JSON between systems is UTF-8. A body that is not is refused, not patched with U+FFFD. */
const utf8 = new TextDecoder('utf-8', { fatal: true })

async function jsonBody(c: Context): Promise<unknown> {
  let text: string
  try {
    text = utf8.decode(await c.req.arrayBuffer())
  } catch {
    throw new DuckApiError('invalid_input', 'body: is not valid UTF-8 (JSON must be UTF-8 encoded).')
  }
  if (text.trim() === '') return {}
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new DuckApiError('invalid_input', 'body: must be a JSON object.')
  }
}

function query(c: Context): Record<string, string> {
  return c.req.query()
}

/**
 * Answers a task stream as `text/event-stream`: `event: <type>` and a JSON `data` line that
 * starts with task_id, conversation_id and seq. The task starts before the response does:
 * anything refused before its first event (bad input, unknown ids, wrong state) is answered
 * as an ordinary JSON error, never as an empty 200 stream.
 */
async function taskStream(
  c: Context,
  run: (listener: (event: StreamEvent) => void) => Promise<unknown>
): Promise<Response> {
  const early: StreamEvent[] = []
  let deliver: (event: StreamEvent) => void = (event) => early.push(event)
  let started!: () => void
  const firstEvent = new Promise<void>((resolve) => (started = resolve))
  const finished = run((event) => {
    deliver(event)
    started()
  })
  // Rejections before the first event become the JSON error; later ones cannot happen (the
  // runner turns every failure after its first event into `error` + `done`).
  await Promise.race([firstEvent, finished])

  const outgoing = (c.env as Partial<HttpBindings> | undefined)?.outgoing
  if (outgoing === undefined) throw new Error('task streams are written to the Node HTTP server’s response')
  const writer = createSseWriter(nodeSink(outgoing, { ...RESPONSE_HEADERS }))
  for (const event of early.splice(0)) writer.write(event)
  deliver = (event) => writer.write(event)
  void finished.then(
    () => writer.done(),
    () => writer.done()
  )
  return RESPONSE_ALREADY_SENT
}

/**
 * Streams an audit export: the count of matching rows first (`X-Total-Count`, for a progress
 * bar; no Content-Length), then the rows as the service reads them, one chunk per pull, so a
 * slow reader holds back the reading (and a cancelled download stops it).
 */
function auditExport(exported: AuditExport): Response {
  const encoder = new TextEncoder()
  const { chunks } = exported
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = chunks.next()
        if (next.done) controller.close()
        else controller.enqueue(encoder.encode(next.value.text))
      },
      cancel() {
        chunks.return(undefined)
      }
    },
    { highWaterMark: 2 }
  )
  return new Response(body, {
    headers: {
      'Content-Type': exported.contentType,
      'Content-Disposition': `attachment; filename="${exported.filename}"`,
      'X-Total-Count': String(exported.total),
      'Cache-Control': 'no-store'
    }
  })
}

/** Every /v1 route: the service validates and does the work; routes only translate. */
export function registerRoutes(app: Hono, service: DuckService): void {
  app.get('/v1/health', (c) => c.json(service.health()))

  app.post('/v1/chat/stream', async (c) => {
    const body = await jsonBody(c)
    return taskStream(c, (listener) => service.chat(body, listener))
  })
  app.post('/v1/tasks/:id/continue/stream', async (c) => {
    const body = await jsonBody(c)
    return taskStream(c, (listener) => service.continueTask(c.req.param('id'), body, listener))
  })
  app.post('/v1/tasks/:id/password/stream', async (c) => {
    const body = await jsonBody(c)
    return taskStream(c, (listener) => service.submitPassword(c.req.param('id'), body, listener))
  })
  app.post('/v1/tasks/:id/cancel', (c) => c.json(service.cancelTask(c.req.param('id'))))
  app.get('/v1/tasks/:id', (c) => c.json(service.getTask(c.req.param('id'))))
  app.get('/v1/tasks/:id/events', (c) => c.json(service.taskEvents(c.req.param('id'))))
  app.get('/v1/tasks/:id/changes', (c) => c.json(service.taskChanges(c.req.param('id'))))
  app.post('/v1/tasks/:id/undo', async (c) => c.json(await service.undoTask(c.req.param('id'))))

  app.get('/v1/approvals/pending', (c) => c.json(service.pendingApprovals()))
  app.get('/v1/approvals/rules', (c) => c.json(service.listRules()))
  app.delete('/v1/approvals/rules/:id', (c) => {
    service.deleteRule(c.req.param('id'))
    return c.body(null, 204)
  })
  // Command previews: run against an overlay of the workspace, then apply or discard.
  app.post('/v1/approvals/:id/preview', async (c) => c.json(await service.previewApproval(c.req.param('id'))))
  app.get('/v1/approvals/:id/preview', (c) => c.json(service.getApprovalPreview(c.req.param('id'))))
  app.post('/v1/approvals/:id/preview/apply', async (c) =>
    c.json(await service.applyApprovalPreview(c.req.param('id')))
  )
  app.post('/v1/approvals/:id/preview/discard', async (c) =>
    c.json(await service.discardApprovalPreview(c.req.param('id')))
  )
  // Only the three decisions are routes; anything else is an unknown route (404).
  // `allow_always` may carry `{scope, args}` to narrow the rule to arguments; no body = as before.
  app.post('/v1/approvals/:id/:decision{allow_once|allow_always|deny}', async (c) =>
    c.json(service.decideApproval(c.req.param('id'), c.req.param('decision'), await jsonBody(c)))
  )

  app.get('/v1/conversations', (c) => c.json(service.listConversations(query(c))))
  app.get('/v1/conversations/:id', (c) => c.json(service.getConversation(c.req.param('id'), query(c))))
  app.patch('/v1/conversations/:id', async (c) =>
    c.json(service.renameConversation(c.req.param('id'), await jsonBody(c)))
  )
  app.delete('/v1/conversations/:id', (c) => {
    service.deleteConversation(c.req.param('id'))
    return c.body(null, 204)
  })

  app.get('/v1/memory', (c) => c.json(service.listMemory(query(c))))
  app.post('/v1/memory/forget', async (c) => c.json(service.forgetMemory(await jsonBody(c))))
  app.delete('/v1/memory/:id', (c) => {
    service.deleteMemory(c.req.param('id'))
    return c.body(null, 204)
  })
  app.get('/v1/experience', (c) => c.json(service.listExperience(query(c))))
  app.get('/v1/skills', (c) => c.json(service.listSkills()))

  // The body stays the array API.md describes; the next older page's cursor is a header.
  app.get('/v1/audit/commands', (c) => {
    const page = service.auditPage(query(c))
    if (page.next_cursor) c.header('X-Next-Cursor', page.next_cursor)
    return c.json(page.items)
  })
  app.get('/v1/audit/commands/export', (c) => auditExport(service.auditExport(query(c))))

  app.get('/v1/settings', async (c) => c.json(await service.getSettings()))
  app.put('/v1/settings', async (c) => c.json(await service.updateSettings(await jsonBody(c))))
  app.get('/v1/models', async (c) => c.json(await service.listModels(query(c))))

  app.get('/v1/mcp/servers', async (c) => c.json(await service.mcpServers()))
  app.put('/v1/mcp/servers', async (c) => c.json(await service.mcpReplace(await jsonBody(c))))
  app.put('/v1/mcp/servers/:name', async (c) => c.json(await service.mcpPut(c.req.param('name'), await jsonBody(c))))
  app.delete('/v1/mcp/servers/:name', async (c) => {
    await service.mcpDelete(c.req.param('name'))
    return c.body(null, 204)
  })
  app.post('/v1/mcp/servers/:name/confirm', async (c) =>
    c.json(await service.mcpConfirm(c.req.param('name'), await jsonBody(c)))
  )
  app.post('/v1/mcp/servers/:name/restart', async (c) => c.json(await service.mcpRestart(c.req.param('name'))))
  app.post('/v1/mcp/servers/:name/stop', async (c) => c.json(await service.mcpStop(c.req.param('name'))))
  app.put('/v1/mcp/servers/:name/tools/:tool', async (c) =>
    c.json(await service.mcpSetTool(c.req.param('name'), c.req.param('tool'), await jsonBody(c)))
  )
  app.post('/v1/mcp/import', async (c) => c.json(await service.mcpImport(await jsonBody(c))))

  app.get('/v1/engine', async (c) => c.json(await service.engineStatus()))
  app.get('/v1/engine/catalog', async (c) => c.json(await service.modelCatalog(query(c))))
  app.get('/v1/engine/models', (c) => c.json(service.installedModels()))
  app.post('/v1/engine/models/import', async (c) => c.json(await service.importModel(await jsonBody(c))))
  app.delete('/v1/engine/models/:id', async (c) => {
    await service.deleteModel(c.req.param('id'))
    return c.body(null, 204)
  })
  app.get('/v1/engine/downloads', (c) => c.json(service.modelDownloads()))
  app.post('/v1/engine/downloads', async (c) => c.json(await service.startDownload(await jsonBody(c))))
  // Only the three actions are routes; anything else is an unknown route (404).
  app.post('/v1/engine/downloads/:id/:action{pause|resume|cancel}', async (c) =>
    c.json(await service.downloadAction(c.req.param('id'), c.req.param('action')))
  )
}
