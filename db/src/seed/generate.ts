import { foldName } from '../fold.js'
import type { Gender, NewAccessLog, NewAddress, NewCustomer, NewOrder, NewPaymentMethod } from '../tables/customer.tables.js'
import { CHINESE_FAMILY, CHINESE_FEMALE, CHINESE_MALE, NAME_POOLS } from './names.js'
import { type Market, MARKETS } from './places.js'
import { Random } from './random.js'

/** Everything is dated relative to this instant, never to the clock, so that a seed always gives the same data. */
export const SEED_EPOCH = Date.UTC(2026, 10, 1)
const DAY = 86_400_000
const STORE_OPENED = Date.UTC(2019, 0, 1)

/** One customer's rows, typed as Kysely inserts them; ids are given, not generated, so that a seed always makes the same data. */
export interface GeneratedCustomer {
  customer: NewCustomer & { id: number }
  passwordHash: string
  addresses: NewAddress[]
  paymentMethods: NewPaymentMethod[]
  orders: NewOrder[]
  accessLogs: NewAccessLog[]
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'))

/**
 * The date of a day counted from 1970-01-01 (Howard Hinnant's civil_from_days), as YYYY-MM-DD, for years 0 to 9999.
 * The seed dates millions of rows: `Date#toISOString` was a third of its generator's time.
 */
function isoDay(days: number): string {
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const dayOfEra = z - era * 146_097
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  )
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153) // March is 0
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
  return `${String(year).padStart(4, '0')}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}`
}

/** `new Date(ms).toISOString()` for whole milliseconds in years 0 to 9999, without making a Date. */
export function iso(ms: number): string {
  const days = Math.floor(ms / DAY)
  const inDay = ms - days * DAY
  const seconds = Math.floor(inDay / 1000)
  return `${isoDay(days)}T${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${
    TWO_DIGITS[seconds % 60]
  }.${String(inDay % 1000).padStart(3, '0')}Z`
}

const isoDate = (ms: number) => isoDay(Math.floor(ms / DAY))

function pickMarket(r: Random): Market {
  return r.weighted(MARKETS.map((m) => [m, m.weight] as const))
}

function pickName(r: Random, market: Market, gender: Gender) {
  const female = gender === 'female' || (gender !== 'male' && r.chance(0.5))
  if (market.names === 'zh') {
    const [familyPinyin, familyHan] = r.pick(CHINESE_FAMILY)
    const [givenPinyin, givenHan] = r.pick(female ? CHINESE_FEMALE : CHINESE_MALE)
    // About a third of Chinese buyers registered with their name in characters.
    const han = r.chance(0.35)
    return {
      first: han ? givenHan : givenPinyin,
      last: han ? familyHan : familyPinyin,
      ascii: `${givenPinyin}.${familyPinyin}`.toLowerCase(),
    }
  }
  const pool = NAME_POOLS[market.names]!
  const first = r.pick(female ? pool.female : pool.male)
  const last = r.pick(pool.family)
  const ascii = `${first}.${last}`
    .normalize('NFD')
    .replace(/[^A-Za-z.]/g, '')
    .toLowerCase()
  return { first, last, ascii }
}

/** A fixed bijection of 0 … 10⁹−1 that looks random: multiplication by a number coprime to 10⁹, plus an offset. */
function scramble(n: number): number {
  return Number((BigInt(n) * 738_219_457n + 193_847_561n) % 1_000_000_000n)
}

function phoneFor(r: Random, market: Market): string {
  const prefix = r.pick(market.phonePrefixes)
  const rest = r.digits(market.phoneDigits - prefix.length)
  if (market.country === 'CN') return `${market.dial} ${prefix} ${rest.slice(0, 4)} ${rest.slice(4)}`
  return `${market.dial} ${prefix} ${rest}`
}

function postalFor(r: Random, market: Market, base: string): string | null {
  switch (market.country) {
    case 'AE':
      return null // the Emirates have no postal codes
    case 'GB':
      return `${base}${r.int(1, 9)} ${r.int(1, 9)}${String.fromCharCode(65 + r.int(0, 25))}${String.fromCharCode(65 + r.int(0, 25))}`
    case 'BR':
      return `${base}${r.digits(3)}-${r.digits(3)}`
    case 'JP':
      return `${base}-${r.digits(4)}`
    default: {
      const width = { CN: 6, US: 5, DE: 5, FR: 5, ES: 5, MX: 5, RU: 6, IN: 6, KR: 5, VN: 6, AU: 4 }[market.country] ?? 5
      return base + r.digits(Math.max(0, width - base.length))
    }
  }
}

/** Ages across the whole range, with a few children the policy does not allow (flagged by Verity). */
function birthDateFor(r: Random): string | null {
  if (r.chance(0.04)) return null
  const age = r.weighted([
    [r.int(8, 12), 0.6],
    [r.int(13, 17), 3.4],
    [r.int(18, 24), 14],
    [r.int(25, 34), 28],
    [r.int(35, 44), 24],
    [r.int(45, 54), 16],
    [r.int(55, 64), 9],
    [r.int(65, 90), 5],
  ] as const)
  return isoDate(SEED_EPOCH - age * 365.25 * DAY - r.int(0, 364) * DAY)
}

const BRANDS = [
  ['unionpay', 30],
  ['visa', 30],
  ['mastercard', 25],
  ['amex', 8],
  ['jcb', 7],
] as const
const ORDER_STATUSES = [
  ['delivered', 70],
  ['shipped', 10],
  ['paid', 6],
  ['cancelled', 8],
  ['refunded', 6],
] as const
const OSES = ['Windows 11', 'Windows 10', 'macOS 15', 'iOS 18', 'Android 15', 'HarmonyOS 4', 'Ubuntu 24.04']
const BROWSERS = ['Chrome 131', 'Edge 131', 'Safari 18', 'Firefox 133', 'WeChat 8.0', 'QQBrowser 13', 'UC Browser 17']
const REFERRERS = [
  'https://www.baidu.com/',
  'https://www.google.com/',
  'https://weixin.qq.com/',
  'https://www.bing.com/',
  'https://mail.163.com/',
]

/** One customer and everything they own, derived from (seed, id) alone. */
export function generateCustomer(seed: number, id: number): GeneratedCustomer {
  const r = new Random(seed, id)
  const market = pickMarket(r)
  const home = r.pick(market.cities)
  const gender = r.weighted([
    ['female', 47],
    ['male', 48],
    ['other', 1],
    ['undisclosed', 4],
  ] as const)
  const name = pickName(r, market, gender)
  const phone = phoneFor(r, market)
  const birth = birthDateFor(r)
  const createdMs = STORE_OPENED + Math.floor(r.next() * (SEED_EPOCH - STORE_OPENED - DAY))
  const ageYears = birth ? (SEED_EPOCH - Date.parse(birth)) / (365.25 * DAY) : 30
  const minor = ageYears < 18 && ageYears >= 13
  const guarded = minor && r.chance(0.6)
  const domain = r.pick(market.emailDomains)
  // The number is the customer id scrambled, so that an email cannot be worked out from a name and an id.
  const email = `${name.ascii}.${scramble(id)}@${domain}`

  const customer: GeneratedCustomer['customer'] = {
    id,
    first_name: name.first,
    last_name: name.last,
    first_name_folded: foldName(name.first),
    last_name_folded: foldName(name.last),
    email,
    phone,
    birth_date: birth,
    gender,
    country: market.country,
    region: home.region,
    city: home.city,
    status: r.chance(0.004) ? 'locked' : 'active',
    guardian_name: guarded ? `${r.pick(NAME_POOLS.en!.female)} ${name.last}` : null,
    guardian_consent_at: guarded ? iso(createdMs + r.int(0, 3) * DAY) : null,
    created_at: iso(createdMs),
    last_login_at: r.chance(0.9) ? iso(createdMs + Math.floor(r.next() * (SEED_EPOCH - createdMs))) : null,
  }

  // Chinese names run family name first, written together in characters and apart in pinyin.
  const han = /\p{Script=Han}/u.test(name.last)
  const fullName = market.names === 'zh' ? (han ? `${name.last}${name.first}` : `${name.last} ${name.first}`) : `${name.first} ${name.last}`
  const addressCount = r.weighted([
    [0, 4],
    [1, 60],
    [2, 26],
    [3, 10],
  ] as const)
  const addresses: NewAddress[] = []
  for (let i = 0; i < addressCount; i++) {
    const place = i === 0 ? home : r.pick(market.cities)
    addresses.push({
      customer_id: id,
      label: i === 0 ? 'Home' : r.pick(['Office', 'Warehouse', 'Factory', 'Shop']),
      recipient_name: i === 0 || r.chance(0.7) ? fullName : `${r.pick(NAME_POOLS.en!.male)} ${name.last}`,
      line1: `${r.int(1, 999)} ${r.pick(place.streets)}`,
      line2: r.chance(0.4) ? `Unit ${r.int(1, 40)}${String.fromCharCode(65 + r.int(0, 5))}` : null,
      city: place.city,
      region: place.region,
      postal_code: postalFor(r, market, place.postal),
      country: market.country,
      phone: r.chance(0.85) ? phone : phoneFor(r, market),
      is_default: i === 0 ? 1 : 0,
    })
  }

  const cardCount = r.weighted([
    [0, 25],
    [1, 55],
    [2, 20],
  ] as const)
  const paymentMethods = Array.from({ length: cardCount }, () => ({
    customer_id: id,
    brand: market.country === 'CN' ? r.weighted(BRANDS) : r.weighted(BRANDS.slice(1)),
    last4: r.digits(4),
    exp_month: r.int(1, 12),
    exp_year: r.int(2026, 2031),
  }))

  const orderCount = r.weighted([
    [0, 12],
    [1, 25],
    [2, 22],
    [3, 16],
    [4, 10],
    [5, 8],
    [6, 7],
  ] as const)
  const orders: NewOrder[] = []
  for (let k = 0; k < orderCount; k++) {
    const placed = createdMs + Math.floor(r.next() * (SEED_EPOCH - createdMs))
    const to = addresses.length ? r.pick(addresses) : null
    orders.push({
      customer_id: id,
      // Unique by construction (a bijection of the customer id and the order's place among theirs), yet nothing on a
      // masked record — the customer id, the order's date or rank — tells it.
      number: `TM${isoDate(placed).replace(/-/g, '')}${String(scramble(id * 8 + k)).padStart(9, '0')}`,
      placed_at: iso(placed),
      status: r.weighted(ORDER_STATUSES),
      total_cents: r.int(5, 2000) * 100 + r.int(0, 99),
      currency: r.chance(0.7) ? market.currency : 'USD',
      ship_name: to?.recipient_name ?? fullName,
      ship_address: to ? [to.line1, to.line2, to.city, to.region, to.postal_code].filter(Boolean).join(', ') : home.city,
      ship_phone: to?.phone ?? phone,
      ship_country: market.country,
    })
  }

  const logCount = customer.last_login_at ? r.int(1, 6) : 0
  const accessLogs = Array.from({ length: logCount }, () => ({
    customer_id: id,
    at: iso(createdMs + Math.floor(r.next() * (SEED_EPOCH - createdMs))),
    ip: `${r.int(1, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`,
    os: r.pick(OSES),
    browser: r.pick(BROWSERS),
    referrer: r.chance(0.5) ? r.pick(REFERRERS) : null,
  }))

  // Imported accounts carry a well-formed argon2id hash of no known password: customers set theirs by reset link.
  const passwordHash = `$argon2id$v=19$m=19456,t=2,p=1$${r.base64(16)}$${r.base64(32)}`

  return { customer, passwordHash, addresses, paymentMethods, orders, accessLogs }
}
