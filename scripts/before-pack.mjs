// electron-builder `beforePack` hook (electron-builder.yml): stage better-sqlite3 built for the
// Electron version being packaged, so it ships as resources/native/better_sqlite3.node.
// Native modules are built for the machine that runs the build, so installers are built on the
// OS and architecture they are for (CI: one job per platform).
import { ensureElectronBinding, stageBinding } from './electron-binding.mjs'

const ARCH = { 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' }

export default async function beforePack(context) {
  const platform = context.electronPlatformName
  const arch = ARCH[context.arch] ?? String(context.arch)
  if (platform !== process.platform || arch !== process.arch) {
    throw new Error(
      `Duck packs native modules built on this machine (${process.platform}-${process.arch}); build the ${platform}-${arch} installer on a ${platform}-${arch} machine.`
    )
  }
  const root = context.packager.projectDir
  const electronVersion = context.packager.config.electronVersion ?? undefined
  const binding = ensureElectronBinding({ root, ...(electronVersion ? { electronVersion } : {}) })
  console.log(`  • staged better-sqlite3 for Electron  file=${stageBinding(root, binding)}`)
}
