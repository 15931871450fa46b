/**
 * Noto Color Emoji, served by the app itself: its @font-face rules are split by unicode-range, so
 * the browser fetches only the slices whose emoji a page shows. Every family stack in styles.css
 * ends in this font, so an emoji renders the same on a system with no emoji font of its own.
 */
import '@fontsource/noto-color-emoji'

