import type { AuthorId } from '../../core/types.ts'
import { hueOf } from '../format.ts'
import { useProfile } from '../hooks.ts'

/** An author's picture from their signed profile, else their initial on their colour. */
export function Avatar ({ author, name, size = 40, url }: { author: AuthorId, name: string, size?: number, url?: string }) {
  const profile = useProfile(author)
  const src = url ?? profile?.avatarUrl
  const style = { width: size, height: size }
  if (src != null) return <img className='avatar' src={src} alt='' style={style} />
  return (
    <span className='avatar initial' aria-hidden='true' style={{ ...style, backgroundColor: `hsl(${hueOf(author)} 45% 38%)` }}>
      {name.slice(0, 1).toUpperCase()}
    </span>
  )
}
