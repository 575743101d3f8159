"""Browser tests: the real app on loopback, played in Debian's Chromium through Playwright."""
