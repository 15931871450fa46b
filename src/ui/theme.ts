/** Dark or light; the choice is remembered per browser, the default follows the system. */
export const Theme = { Dark: 'dark', Light: 'light' } as const
export type Theme = typeof Theme[keyof typeof Theme]

const storageKey = 'peer-rooms:theme'

export function initialTheme (): Theme {
  const saved = localStorage.getItem(storageKey)
  if (saved === Theme.Dark || saved === Theme.Light) return saved
  return matchMedia('(prefers-color-scheme: light)').matches ? Theme.Light : Theme.Dark
}

export function applyTheme (theme: Theme): void {
  document.documentElement.dataset.theme = theme
  localStorage.setItem(storageKey, theme)
}
