/** A dependency-free SVG line chart: requests a second over time, one line per run, against the budget. */

export interface RateSeries {
  readonly label: string
  /** Requests in each second from the run's first request. */
  readonly perSecond: readonly number[]
}

const COLORS = ['#1f77b4', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b']
const escapeXml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** `limitPerSecond`: the limit Genesys reports, as a rate for each second (drawn as a step line when given). */
export function sendRateChart(options: { title: string; series: readonly RateSeries[]; budgetPerSecond: number; headroom: number; limitPerSecond?: readonly number[] }): string {
  const width = 760
  const height = 380
  const margin = { left: 56, right: 170, top: 40, bottom: 46 }
  const plotW = width - margin.left - margin.right
  const plotH = height - margin.top - margin.bottom
  const seconds = Math.max(2, ...options.series.map((s) => s.perSecond.length))
  const top = Math.ceil(Math.max(options.budgetPerSecond * 1.25, ...(options.limitPerSecond ?? []).map((rate) => rate * 1.1), ...options.series.flatMap((s) => s.perSecond)) / 5) * 5
  const x = (second: number): number => margin.left + (second / (seconds - 1)) * plotW
  const y = (rate: number): number => margin.top + plotH - (rate / top) * plotH
  const parts: string[] = []
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`)
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`)
  parts.push(`<text x="${margin.left}" y="22" font-size="14" font-weight="bold">${escapeXml(options.title)}</text>`)
  for (let tick = 0; tick <= top; tick += Math.max(1, Math.round(top / 5))) {
    parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e5e5e5"/>`)
    parts.push(`<text x="${margin.left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`)
  }
  const step = Math.max(1, Math.ceil(seconds / 10))
  for (let second = 0; second < seconds; second += step) parts.push(`<text x="${x(second)}" y="${margin.top + plotH + 16}" text-anchor="middle">${second}</text>`)
  parts.push(`<line x1="${margin.left}" x2="${margin.left}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#333"/>`)
  parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${margin.top + plotH}" y2="${margin.top + plotH}" stroke="#333"/>`)
  parts.push(`<text x="${margin.left + plotW / 2}" y="${height - 8}" text-anchor="middle">seconds since the first request</text>`)
  parts.push(`<text transform="translate(16 ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">accepted requests per second</text>`)
  const budgetY = y(options.budgetPerSecond)
  const headroomY = y(options.budgetPerSecond * options.headroom)
  parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${budgetY}" y2="${budgetY}" stroke="#d62728" stroke-width="2"/>`)
  parts.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${headroomY}" y2="${headroomY}" stroke="#d62728" stroke-dasharray="5 4"/>`)
  const legend = (i: number, color: string, label: string, dashed = false): void => {
    const ly = margin.top + 10 + i * 20
    parts.push(`<line x1="${width - margin.right + 12}" x2="${width - margin.right + 36}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="2"${dashed ? ' stroke-dasharray="5 4"' : ''}/>`)
    parts.push(`<text x="${width - margin.right + 42}" y="${ly + 4}">${escapeXml(label)}</text>`)
  }
  legend(0, '#d62728', `budget ${round(options.budgetPerSecond)}/s`)
  legend(1, '#d62728', `× headroom ${options.headroom}`, true)
  const limit = options.limitPerSecond
  if (limit && limit.length > 0) {
    const steps = limit
      .flatMap((rate, second) => [`${x(Math.max(0, second - 0.5)).toFixed(1)},${y(rate).toFixed(1)}`, `${x(Math.min(seconds - 1, second + 0.5)).toFixed(1)},${y(rate).toFixed(1)}`])
      .join(' ')
    parts.push(`<polyline fill="none" stroke="#000000" stroke-width="2" stroke-dasharray="2 3" points="${steps}"/>`)
    legend(2 + options.series.length, '#000000', 'reported limit', true)
  }
  options.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length] as string
    const points = series.perSecond.map((rate, second) => `${x(second).toFixed(1)},${y(rate).toFixed(1)}`).join(' ')
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${points}"/>`)
    legend(i + 2, color, series.label)
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

const round = (value: number): number => Math.round(value * 100) / 100
