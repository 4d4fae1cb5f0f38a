/** An answer no seeded customer has, per question (tests only). */
export function wrongAnswer(field: string): string {
  return (
    {
      birth_date: '1901-01-01',
      postal_code: 'ZZ9 9ZZ',
      phone_last4: '0000',
      email: 'nobody@invalid.example',
      order_number: 'TM00000000000000000',
      card_last4: '0000',
    }[field] ?? 'wrong'
  )
}
