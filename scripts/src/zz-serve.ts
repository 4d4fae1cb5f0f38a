import fs from 'node:fs'
import { Session } from 'node:inspector/promises'
const session = new Session()
session.connect()
await session.post('Profiler.enable')
await session.post('Profiler.setSamplingInterval', { interval: 200 })
let started = false
setTimeout(async () => { await session.post('Profiler.start'); started = true }, Number(process.env.PROF_DELAY ?? 4000))
process.prependListener('SIGTERM', async () => {
  if (!started) return
  const { profile } = await session.post('Profiler.stop')
  fs.mkdirSync(process.env.PROF!, { recursive: true })
  fs.writeFileSync(`${process.env.PROF}/server.cpuprofile`, JSON.stringify(profile))
})
const { main } = await import('../../api/src/server.js')
await main()
