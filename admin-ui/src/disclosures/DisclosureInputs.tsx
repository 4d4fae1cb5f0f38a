import { BooleanInput, CheckboxGroupInput, DateInput, FormDataConsumer, regex, required, SelectInput, TextInput } from 'react-admin'
import { CATEGORIES, choicesOf, TYPES } from './choices'
import { SubjectsInput } from './SubjectsInput'

const country = [required(), regex(/^[A-Z]{2}$/, 'verity.disclosures.country_code')]

/** The fields of a disclosure record, under the one name each has in the API, in and out (camelCase). */
export function DisclosureInputs() {
  return (
    <>
      <SelectInput source="type" choices={choicesOf('types', TYPES)} validate={required()} />
      <TextInput source="authority" validate={required()} fullWidth />
      <TextInput source="requestingOfficer" fullWidth />
      <TextInput source="jurisdiction" validate={country} parse={(v: string) => v?.toUpperCase()} />
      <TextInput source="legalBasis" validate={required()} fullWidth multiline />
      <TextInput source="caseNumber" validate={required()} />
      <DateInput source="receivedAt" validate={required()} />
      <DateInput source="dueAt" />
      <SubjectsInput />
      <CheckboxGroupInput source="categoriesRequested" choices={choicesOf('categories', CATEGORIES)} />
      <FormDataConsumer<{ type?: string }>>
        {({ formData }) =>
          formData.type === 'emergency' && <TextInput source="emergencyJustification" validate={required()} fullWidth multiline />
        }
      </FormDataConsumer>
      <DateInput source="nondisclosureUntil" />
      <BooleanInput source="holdRequested" />
    </>
  )
}
