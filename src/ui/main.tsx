import { createRoot } from 'react-dom/client'

function Placeholder () {
  return <main><h1>Peer Rooms</h1><p>A peer-to-peer chat that runs in your browser.</p></main>
}

const root = document.getElementById('root')
if (root != null) createRoot(root).render(<Placeholder />)
