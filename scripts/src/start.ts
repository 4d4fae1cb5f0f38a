import { main } from '@verity/api'
import { ensureConsoleBuilt } from './build-console.js'

/** `npm start`: builds the console when needed, then runs the server (which migrates and seeds). */
ensureConsoleBuilt()
await main()
