import './styles.css'
import { createRoot } from 'react-dom/client'
import { App } from './app.tsx'
import { applyTheme, initialTheme } from './theme.ts'

applyTheme(initialTheme())
const root = document.getElementById('root')
if (root != null) createRoot(root).render(<App />)
