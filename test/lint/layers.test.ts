import { ESLint } from 'eslint'
import { describe, expect, it } from 'vitest'

const eslint = new ESLint({ cwd: process.cwd() })

async function restrictedImports(code: string, filePath: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-globals')
    .map((m) => m.message)
}

describe('layer rules', () => {
  it('fail when the core imports electron', async () => {
    const messages = await restrictedImports(
      "import { app } from 'electron'\nexport const x = app\n",
      'src/main/core/agent/fixture.ts'
    )
    expect(messages.join('\n')).toMatch(/Only src\/main\/app and src\/preload may import electron/)
  })

  it('fail when the headless server imports electron', async () => {
    const messages = await restrictedImports(
      "import { shell } from 'electron'\nexport const x = shell\n",
      'src/main/server/fixture.ts'
    )
    expect(messages).toHaveLength(1)
  })

  it('fail when the core reaches into the Electron shell', async () => {
    const messages = await restrictedImports(
      "import { x } from '../../app/main'\nexport const y = x\n",
      'src/main/core/agent/fixture.ts'
    )
    expect(messages.join('\n')).toMatch(/must not depend on the Electron shell/)
  })

  it('fail when the renderer imports Node or main-process code', async () => {
    const fs = await restrictedImports(
      "import { readFileSync } from 'node:fs'\nexport const x = readFileSync\n",
      'src/renderer/src/fixture.ts'
    )
    expect(fs.join('\n')).toMatch(/must not import Node modules/)
    const bare = await restrictedImports(
      "import path from 'path'\nexport const x = path\n",
      'src/renderer/src/fixture.ts'
    )
    expect(bare).toHaveLength(1)
    const core = await restrictedImports(
      "import { DuckService } from '../../main/core/service'\nexport const x = DuckService\n",
      'src/renderer/src/fixture.ts'
    )
    expect(core.join('\n')).toMatch(/only through the bridge/)
  })

  it('fail when the contract imports anything platform-bound', async () => {
    for (const code of [
      "import { join } from 'node:path'\nexport const x = join\n",
      "import { ipcRenderer } from 'electron'\nexport const x = ipcRenderer\n",
      "import { useState } from 'react'\nexport const x = useState\n",
      'export const x = process.env\n'
    ]) {
      expect(await restrictedImports(code, 'src/shared/fixture.ts'), code).not.toHaveLength(0)
    }
  })

  it('allow the shell to import electron and shared code to import zod', async () => {
    expect(
      await restrictedImports("import { app } from 'electron'\nexport const x = app\n", 'src/main/app/fixture.ts')
    ).toEqual([])
    expect(await restrictedImports("import { z } from 'zod'\nexport const x = z\n", 'src/shared/fixture.ts')).toEqual(
      []
    )
    expect(
      await restrictedImports(
        "import type { DuckEvent } from './events'\nexport type X = DuckEvent\n",
        'src/shared/fixture.ts'
      )
    ).toEqual([])
  })
})
