import { expect } from 'chai'
import { PER_NODE, describeValue, resolveOptionTable, typeName } from '../../lib/common/validation'
import {
  checkBoolean,
  checkMilliseconds,
  checkNonEmptyString,
  checkTimeoutMs,
} from '../../lib/common/validation'
import { configError } from '../support/config-error'

describe('validation: describing a bad value', () => {
  const shown: Array<[unknown, string]> = [
    ['yes', '"yes"'],
    ['', 'an empty string'],
    [null, 'null'],
    [undefined, 'a value of type undefined'],
    [1.5, 'a value of type number (1.5)'],
    [NaN, 'a value of type number (NaN)'],
    [['es'], 'a value of type object (an array)'],
    [{}, 'a value of type object'],
    [() => 1, 'a value of type function'],
  ]
  for (const [value, text] of shown) {
    it(`describeValue: ${text}`, () => expect(describeValue(value)).to.equal(text))
  }

  it('typeName never shows the value, for fields that may be secrets', () => {
    expect(typeName('wJalrXUtnFEMI/K7MDENG')).to.equal('string')
    expect(typeName(42)).to.equal('number')
    expect(typeName(undefined)).to.equal('undefined')
    expect(typeName(null)).to.equal('null')
    expect(typeName([])).to.equal('an array')
  })
})

describe('validation: shared checks', () => {
  it('checkBoolean takes true and false only', () => {
    expect(checkBoolean(false, 'x')).to.equal(false)
    const err = configError(() => checkBoolean('true', 'retryOnAwsRejection'))
    expect(err.option).to.equal('retryOnAwsRejection')
    expect(err.message).to.equal('retryOnAwsRejection must be true or false, got "true".')
  })

  it('checkNonEmptyString trims, and refuses blank strings and other types', () => {
    expect(checkNonEmptyString(' host ', 'signingHost')).to.equal('host')
    expect(configError(() => checkNonEmptyString('  ', 'signingHost')).message).to.equal(
      'signingHost must be a non-empty string, got "  ".',
    )
    expect(configError(() => checkNonEmptyString(1, 'signingHost')).option).to.equal('signingHost')
  })

  it('checkMilliseconds: one wording for every duration, 0 allowed', () => {
    expect(checkMilliseconds(0, 'maxAgeMs')).to.equal(0)
    expect(checkMilliseconds(2.5, 'maxAgeMs')).to.equal(2.5)
    for (const bad of [-1, NaN, Infinity, '10', null]) {
      const err = configError(() => checkMilliseconds(bad, 'maxAgeMs'))
      expect(err.option).to.equal('maxAgeMs')
      expect(err.message).to.equal(
        `maxAgeMs must be a number of milliseconds, 0 or more, got ${describeValue(bad)}.`,
      )
    }
  })

  it('checkTimeoutMs: a duration that is more than 0', () => {
    expect(checkTimeoutMs(1, 'providerTimeoutMs')).to.equal(1)
    expect(configError(() => checkTimeoutMs(0, 'providerTimeoutMs')).message).to.match(
      /^providerTimeoutMs must be more than 0 milliseconds/,
    )
    expect(configError(() => checkTimeoutMs(-5, 'providerTimeoutMs')).message).to.match(
      /0 or more, got a value of type number \(-5\)/,
    )
  })

  it('checkTimeoutMs: no longer than a timer can wait (beyond it, no timeout at all)', () => {
    expect(checkTimeoutMs(2 ** 31 - 1, 'credentialsTimeoutMs')).to.equal(2 ** 31 - 1)
    expect(configError(() => checkTimeoutMs(3e9, 'credentialsTimeoutMs')).message).to.equal(
      'credentialsTimeoutMs must be at most 2147483647 milliseconds (about 24.8 days, a ' +
        "timer's limit), got a value of type number (3000000000).",
    )
  })
})

describe('validation: resolving an option table', () => {
  const table = {
    fixed: { validate: checkMilliseconds, default: 7 },
    perNode: { validate: checkBoolean, default: PER_NODE },
    none: { validate: checkNonEmptyString, default: undefined },
  }

  it('fills defaults: a value, or nothing for per-node and behaviour defaults', () => {
    expect(resolveOptionTable(table, {})).to.deep.equal({
      fixed: 7,
      perNode: undefined,
      none: undefined,
    })
  })

  it('validates what is given (undefined counts as not given)', () => {
    expect(resolveOptionTable(table, { fixed: 1, perNode: true, none: ' a ' })).to.deep.equal({
      fixed: 1,
      perNode: true,
      none: 'a',
    })
    expect(resolveOptionTable(table, { fixed: undefined }).fixed).to.equal(7)
    expect(configError(() => resolveOptionTable(table, { perNode: 'no' })).option).to.equal(
      'perNode',
    )
  })

  it('checks in table order, so the first bad option in the table is the one reported', () => {
    const err = configError(() => resolveOptionTable(table, { none: '', fixed: -1 }))
    expect(err.option).to.equal('fixed')
  })
})
