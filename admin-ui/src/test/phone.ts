import { vi } from 'vitest'

/** A phone's screen, 390 px wide: every media query MUI asks about is answered as a 390 px viewport would. */
export function onAPhone() {
  vi.stubGlobal('matchMedia', (query: string) => {
    const max = /max-width:\s*([\d.]+)px/.exec(query)
    const min = /min-width:\s*([\d.]+)px/.exec(query)
    const matches = (!max || 390 <= Number(max[1])) && (!min || 390 >= Number(min[1]))
    return {
      matches,
      media: query,
      onchange: null,
      addEventListener() {},
      removeEventListener() {},
      addListener() {},
      removeListener() {},
      dispatchEvent: () => false,
    }
  })
}
