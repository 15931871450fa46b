import MarkdownIt from 'markdown-it'
import DOMPurify from 'dompurify'

/**
 * Chat markdown: markdown-it's 'zero' preset with raw HTML off and only the rules chat needs
 * (emphasis, strike, code, quotes, lists, links), then DOMPurify with a tag allow-list as a second
 * wall, so a message can never bring markup, styles or scripts of its own.
 */
const md = new MarkdownIt('zero', { html: false, linkify: true, breaks: true })
  .enable(['emphasis', 'strikethrough', 'backticks', 'escape', 'link', 'autolink', 'linkify', 'newline', 'fence', 'code', 'blockquote', 'list'])

const allowedTags = ['p', 'br', 'em', 'strong', 's', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'a']

const purify = DOMPurify()
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'A') {
    node.setAttribute('target', '_blank')
    node.setAttribute('rel', 'noopener noreferrer nofollow')
  }
})

/** Rendered texts kept so rows scrolled back into view skip the parse and sanitise. */
const cache = new Map<string, string>()
const cacheLimit = 2000

/** Safe HTML for a chat message's text. */
export function renderMarkdown (text: string): string {
  const hit = cache.get(text)
  if (hit !== undefined) return hit
  const html = purify.sanitize(md.render(text), {
    ALLOWED_TAGS: allowedTags,
    ALLOWED_ATTR: ['href', 'target', 'rel', 'start'],
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i
  })
  if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value!)
  cache.set(text, html)
  return html
}

/** The words of a message without its markup, for one-line previews (replies). */
export function markdownToText (text: string): string {
  return new DOMParser().parseFromString(renderMarkdown(text), 'text/html').body.textContent ?? ''
}
