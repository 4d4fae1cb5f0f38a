/** Where the store's buyers are: mostly China, then its export markets. */

export interface City {
  city: string
  region: string
  postal: string
  /** street names used for address lines */
  streets: readonly string[]
}

export interface Market {
  country: string
  weight: number
  dial: string
  /** national number length after the dial code */
  phoneDigits: number
  phonePrefixes: readonly string[]
  currency: string
  names: 'zh' | 'en' | 'de' | 'fr' | 'es' | 'pt' | 'ru' | 'ar' | 'hi' | 'ja' | 'ko' | 'vi'
  emailDomains: readonly string[]
  cities: readonly City[]
}

const cnStreets = [
  'Jianshe Rd',
  'Renmin Rd',
  'Zhongshan Rd',
  'Jiefang Ave',
  'Huancheng Rd',
  'Keji Rd',
  '人民路',
  '中山路',
  '建设路',
  '解放大道',
]

export const MARKETS: readonly Market[] = [
  {
    country: 'CN',
    weight: 62,
    dial: '+86',
    phoneDigits: 11,
    phonePrefixes: ['130', '131', '135', '136', '138', '139', '150', '152', '158', '177', '186', '189'],
    currency: 'CNY',
    names: 'zh',
    emailDomains: ['163.com', 'qq.com', '126.com', 'sina.com', 'foxmail.com', 'aliyun.com'],
    cities: [
      { city: 'Guangzhou', region: 'Guangdong', postal: '510', streets: cnStreets },
      { city: 'Shenzhen', region: 'Guangdong', postal: '518', streets: cnStreets },
      { city: 'Dongguan', region: 'Guangdong', postal: '523', streets: cnStreets },
      { city: 'Hangzhou', region: 'Zhejiang', postal: '310', streets: cnStreets },
      { city: 'Ningbo', region: 'Zhejiang', postal: '315', streets: cnStreets },
      { city: 'Yiwu', region: 'Zhejiang', postal: '322', streets: cnStreets },
      { city: 'Shanghai', region: 'Shanghai', postal: '200', streets: cnStreets },
      { city: 'Beijing', region: 'Beijing', postal: '100', streets: cnStreets },
      { city: 'Suzhou', region: 'Jiangsu', postal: '215', streets: cnStreets },
      { city: 'Nanjing', region: 'Jiangsu', postal: '210', streets: cnStreets },
      { city: 'Xiamen', region: 'Fujian', postal: '361', streets: cnStreets },
      { city: 'Qingdao', region: 'Shandong', postal: '266', streets: cnStreets },
      { city: 'Chengdu', region: 'Sichuan', postal: '610', streets: cnStreets },
      { city: 'Wuhan', region: 'Hubei', postal: '430', streets: cnStreets },
    ],
  },
  {
    country: 'US',
    weight: 8,
    dial: '+1',
    phoneDigits: 10,
    phonePrefixes: ['213', '212', '415', '713', '305', '646'],
    currency: 'USD',
    names: 'en',
    emailDomains: ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com'],
    cities: [
      { city: 'Los Angeles', region: 'California', postal: '900', streets: ['Main St', 'Sunset Blvd', 'Figueroa St'] },
      { city: 'New York', region: 'New York', postal: '100', streets: ['Broadway', '5th Ave', 'Canal St'] },
      { city: 'Houston', region: 'Texas', postal: '770', streets: ['Westheimer Rd', 'Main St'] },
      { city: 'Miami', region: 'Florida', postal: '331', streets: ['Biscayne Blvd', 'Flagler St'] },
    ],
  },
  {
    country: 'GB',
    weight: 3,
    dial: '+44',
    phoneDigits: 10,
    phonePrefixes: ['7700', '7911', '7400'],
    currency: 'GBP',
    names: 'en',
    emailDomains: ['gmail.com', 'outlook.com', 'btinternet.com'],
    cities: [
      { city: 'London', region: 'England', postal: 'EC', streets: ['High St', 'Station Rd', 'Church Lane'] },
      { city: 'Manchester', region: 'England', postal: 'M', streets: ['Deansgate', 'Oxford Rd'] },
    ],
  },
  {
    country: 'DE',
    weight: 3,
    dial: '+49',
    phoneDigits: 11,
    phonePrefixes: ['151', '160', '170', '176'],
    currency: 'EUR',
    names: 'de',
    emailDomains: ['gmx.de', 'web.de', 'gmail.com'],
    cities: [
      { city: 'Berlin', region: 'Berlin', postal: '10', streets: ['Hauptstraße', 'Friedrichstraße'] },
      { city: 'Hamburg', region: 'Hamburg', postal: '20', streets: ['Mönckebergstraße', 'Hafenstraße'] },
      { city: 'München', region: 'Bayern', postal: '80', streets: ['Leopoldstraße', 'Bahnhofstraße'] },
    ],
  },
  {
    country: 'FR',
    weight: 2,
    dial: '+33',
    phoneDigits: 9,
    phonePrefixes: ['6', '7'],
    currency: 'EUR',
    names: 'fr',
    emailDomains: ['orange.fr', 'gmail.com', 'free.fr'],
    cities: [
      { city: 'Paris', region: 'Île-de-France', postal: '75', streets: ['Rue de Rivoli', 'Rue du Bac'] },
      { city: 'Lyon', region: 'Auvergne-Rhône-Alpes', postal: '69', streets: ['Rue de la République'] },
    ],
  },
  {
    country: 'ES',
    weight: 2,
    dial: '+34',
    phoneDigits: 9,
    phonePrefixes: ['6'],
    currency: 'EUR',
    names: 'es',
    emailDomains: ['gmail.com', 'hotmail.es', 'telefonica.net'],
    cities: [{ city: 'Madrid', region: 'Madrid', postal: '28', streets: ['Calle Mayor', 'Gran Vía'] }],
  },
  {
    country: 'MX',
    weight: 2,
    dial: '+52',
    phoneDigits: 10,
    phonePrefixes: ['55', '33', '81'],
    currency: 'MXN',
    names: 'es',
    emailDomains: ['gmail.com', 'hotmail.com', 'prodigy.net.mx'],
    cities: [{ city: 'Ciudad de México', region: 'CDMX', postal: '06', streets: ['Av. Reforma', 'Calle Madero'] }],
  },
  {
    country: 'BR',
    weight: 3,
    dial: '+55',
    phoneDigits: 11,
    phonePrefixes: ['11', '21'],
    currency: 'BRL',
    names: 'pt',
    emailDomains: ['gmail.com', 'uol.com.br', 'hotmail.com'],
    cities: [
      { city: 'São Paulo', region: 'SP', postal: '01', streets: ['Av. Paulista', 'Rua Augusta'] },
      { city: 'Rio de Janeiro', region: 'RJ', postal: '20', streets: ['Av. Atlântica', 'Rua do Ouvidor'] },
    ],
  },
  {
    country: 'RU',
    weight: 3,
    dial: '+7',
    phoneDigits: 10,
    phonePrefixes: ['903', '916', '926'],
    currency: 'RUB',
    names: 'ru',
    emailDomains: ['mail.ru', 'yandex.ru', 'gmail.com'],
    cities: [{ city: 'Moscow', region: 'Moscow', postal: '101', streets: ['Tverskaya St', 'Arbat St'] }],
  },
  {
    country: 'AE',
    weight: 2,
    dial: '+971',
    phoneDigits: 9,
    phonePrefixes: ['50', '55'],
    currency: 'AED',
    names: 'ar',
    emailDomains: ['gmail.com', 'emirates.net.ae'],
    cities: [{ city: 'Dubai', region: 'Dubai', postal: '', streets: ['Sheikh Zayed Rd', 'Al Wasl Rd'] }],
  },
  {
    country: 'IN',
    weight: 3,
    dial: '+91',
    phoneDigits: 10,
    phonePrefixes: ['98', '99', '91'],
    currency: 'INR',
    names: 'hi',
    emailDomains: ['gmail.com', 'rediffmail.com', 'yahoo.co.in'],
    cities: [
      { city: 'Mumbai', region: 'Maharashtra', postal: '400', streets: ['MG Road', 'Linking Rd'] },
      { city: 'Delhi', region: 'Delhi', postal: '110', streets: ['Connaught Pl', 'Chandni Chowk'] },
    ],
  },
  {
    country: 'JP',
    weight: 2,
    dial: '+81',
    phoneDigits: 10,
    phonePrefixes: ['90', '80'],
    currency: 'JPY',
    names: 'ja',
    emailDomains: ['gmail.com', 'yahoo.co.jp', 'docomo.ne.jp'],
    cities: [{ city: 'Tokyo', region: 'Tokyo', postal: '100', streets: ['Chuo-dori', 'Meiji-dori'] }],
  },
  {
    country: 'KR',
    weight: 2,
    dial: '+82',
    phoneDigits: 10,
    phonePrefixes: ['10'],
    currency: 'KRW',
    names: 'ko',
    emailDomains: ['naver.com', 'daum.net', 'gmail.com'],
    cities: [{ city: 'Seoul', region: 'Seoul', postal: '04', streets: ['Sejong-daero', 'Teheran-ro'] }],
  },
  {
    country: 'VN',
    weight: 2,
    dial: '+84',
    phoneDigits: 9,
    phonePrefixes: ['90', '91', '98'],
    currency: 'VND',
    names: 'vi',
    emailDomains: ['gmail.com', 'yahoo.com.vn'],
    cities: [{ city: 'Ho Chi Minh City', region: 'Ho Chi Minh', postal: '70', streets: ['Nguyen Hue', 'Le Loi'] }],
  },
  {
    country: 'AU',
    weight: 2,
    dial: '+61',
    phoneDigits: 9,
    phonePrefixes: ['4'],
    currency: 'AUD',
    names: 'en',
    emailDomains: ['gmail.com', 'bigpond.com', 'outlook.com'],
    cities: [{ city: 'Sydney', region: 'New South Wales', postal: '2', streets: ['George St', 'Pitt St'] }],
  },
]
