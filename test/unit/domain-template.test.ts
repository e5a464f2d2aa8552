import { describe, expect, it } from 'vitest'
import { findUnknownPlaceholders, renderTemplate, TEMPLATE_FIELDS } from '#lib/send/template.ts'

describe('renderTemplate', () => {
  it('fills the known placeholders, with or without spaces inside the braces', () => {
    expect(renderTemplate('{{brand}}: an agent is available on {{ channel }}.', { brand: 'Acme', channel: 'SMS' })).toBe('Acme: an agent is available on SMS.')
  })

  it('fills a missing value with nothing and tidies the spaces it leaves', () => {
    expect(renderTemplate('Hello  {{brand}}  team, reply here.', {})).toBe('Hello team, reply here.')
    expect(renderTemplate('{{brand}} An agent is available.', {})).toBe('An agent is available.')
  })

  it('inserts values literally: a value that looks like a placeholder or a replacement pattern stays as it is', () => {
    expect(renderTemplate('Hi from {{brand}}', { brand: '{{channel}}', channel: 'sms' })).toBe('Hi from {{channel}}')
    expect(renderTemplate('Hi from {{brand}}', { brand: "$& $1 $' $`" })).toBe("Hi from $& $1 $' $`")
  })

  it('leaves an unknown placeholder as written (configuration rejects it earlier)', () => {
    expect(renderTemplate('Hi {{name}}', {})).toBe('Hi {{name}}')
  })

  it('removes control characters but keeps line breaks and tabs', () => {
    expect(renderTemplate('A\u0000B\u0007C\u001bD\u007fE\u009bF', {})).toBe('ABCDEF')
    expect(renderTemplate('{{brand}} here', { brand: 'Ac\u0000me\u0008' })).toBe('Acme here')
    expect(renderTemplate('line one\nline two\r\n\tindented', {})).toBe('line one\nline two\r\n\tindented')
  })

  it('fills every occurrence', () => {
    expect(renderTemplate('{{brand}} / {{brand}}', { brand: 'X' })).toBe('X / X')
  })
})

describe('findUnknownPlaceholders', () => {
  it('lists each unknown placeholder once', () => {
    expect(findUnknownPlaceholders('Hi {{name}}, {{ brand }} {{name}} {{ orderId }}')).toEqual(['name', 'orderId'])
  })

  it('knows exactly brand and channel', () => {
    expect(TEMPLATE_FIELDS).toEqual(['brand', 'channel'])
    expect(findUnknownPlaceholders('{{brand}} {{channel}} plain {text} {{ }}')).toEqual([])
  })

  it('is case-sensitive: {{Brand}} is not {{brand}}', () => {
    expect(findUnknownPlaceholders('{{Brand}}')).toEqual(['Brand'])
  })
})
