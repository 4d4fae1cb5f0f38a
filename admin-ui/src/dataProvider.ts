import simpleRestProvider from 'ra-data-simple-rest'
import type { DataProvider } from 'react-admin'
import { httpClient } from './httpClient'

const base = simpleRestProvider('/api', httpClient)

/** ra-data-simple-rest against /api, plus the few calls that are not plain CRUD. */
export const dataProvider = {
  ...base,
  async post<T = unknown>(path: string, body: unknown = {}): Promise<T> {
    const { json } = await httpClient(`/api/${path}`, { method: 'POST', body: JSON.stringify(body) })
    return json as T
  },
  async fetch<T = unknown>(path: string): Promise<T> {
    const { json } = await httpClient(`/api/${path}`)
    return json as T
  },
} satisfies DataProvider

export type VerityDataProvider = typeof dataProvider
