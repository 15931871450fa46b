#!/bin/sh
# Playwright launches this as its browser: Chromium, run inside the lab namespace $LAB_NETNS.
# Playwright talks to it over a pipe, which crosses namespaces; its network is the namespace's.
exec ip netns exec "$LAB_NETNS" "$LAB_CHROMIUM" "$@"
