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
  async upload<T = unknown>(path: string, file: File): Promise<T> {
    const body = new FormData()
    body.append('file', file)
    const { json } = await httpClient(`/api/${path}`, { method: 'POST', body })
    return json as T
  },
  async fetch<T = unknown>(path: string): Promise<T> {
    const { json } = await httpClient(`/api/${path}`)
    return json as T
  },
} satisfies DataProvider

export type VerityDataProvider = typeof dataProvider
